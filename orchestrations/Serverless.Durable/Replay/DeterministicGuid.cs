using System.Security.Cryptography;
using System.Text;

namespace Serverless.Durable.Replay;

/// <summary>Name-based (RFC 4122 version 5) GUIDs, so <c>NewGuid</c> returns the same value on every replay.</summary>
internal static class DeterministicGuid
{
    // A fixed namespace for this engine's orchestration GUIDs.
    private static readonly Guid Namespace = new("9e952958-5e33-4daf-827f-2fa12937b875");

    public static Guid Create(string name)
    {
        byte[] namespaceBytes = Namespace.ToByteArray(bigEndian: true);
        byte[] nameBytes = Encoding.UTF8.GetBytes(name);
        byte[] data = new byte[namespaceBytes.Length + nameBytes.Length];
        namespaceBytes.CopyTo(data, 0);
        nameBytes.CopyTo(data, namespaceBytes.Length);

        // SHA-1 is what RFC 4122 prescribes for version 5; this is an identifier, not a security use.
#pragma warning disable CA5350
        byte[] hash = SHA1.HashData(data);
#pragma warning restore CA5350
        hash[6] = (byte)((hash[6] & 0x0F) | 0x50);
        hash[8] = (byte)((hash[8] & 0x3F) | 0x80);
        return new Guid(hash.AsSpan(0, 16), bigEndian: true);
    }
}
