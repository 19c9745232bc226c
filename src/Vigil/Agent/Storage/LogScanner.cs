namespace Vigil.Cli.Agent.Storage;

/// <summary>Where reading the log file stopped: the valid prefix, and why the rest (if any) is invalid.</summary>
/// <param name="ValidLength">Bytes of whole, valid records from the start of the file.</param>
/// <param name="FileLength">The file's length; more than <paramref name="ValidLength"/> when the tail is bad.</param>
/// <param name="Problem">Why the record at <paramref name="ValidLength"/> is invalid, or null if the whole file is valid.</param>
internal sealed record LogScanResult(long ValidLength, long FileLength, string? Problem);

/// <summary>
/// Reads the log file's records in order (<see cref="LogFraming"/>), stopping at the first that is short, has an
/// impossible length, fails its CRC, does not decode or is refused by the caller.
/// </summary>
internal static class LogScanner
{
    /// <summary>
    /// Reads <paramref name="path"/> from the start, handing each valid record and its size in the file to
    /// <paramref name="accept"/>, which returns null to take it or why it does not fit (which ends the scan).
    /// </summary>
    public static LogScanResult Scan(string path, Func<LogRecord, int, string?> accept)
    {
        using var handle = File.OpenHandle(path, FileMode.Open, FileAccess.Read, FileShare.ReadWrite);
        var length = RandomAccess.GetLength(handle);
        var header = new byte[LogFraming.HeaderSize];
        var payload = new byte[4096];
        long offset = 0;
        while (offset < length)
        {
            if (length - offset < LogFraming.HeaderSize)
                return new(offset, length, $"short record: {length - offset} bytes, less than a header");
            ReadExactly(handle, header, offset);
            var payloadLength = LogFraming.PayloadLength(header);
            if (payloadLength > LogFraming.MaxPayloadBytes)
                return new(offset, length, $"impossible length {payloadLength}");
            if (length - offset - LogFraming.HeaderSize < payloadLength)
                return new(offset, length, $"short record: length {payloadLength} runs past the end of the file");
            if (payload.Length < payloadLength) payload = new byte[Math.Max(payloadLength, 2 * payload.Length)];
            var body = payload.AsSpan(0, (int)payloadLength);
            ReadExactly(handle, body, offset + LogFraming.HeaderSize);
            if (!LogFraming.CrcMatches(header, body))
                return new(offset, length, "CRC mismatch");
            LogRecord record;
            try
            {
                record = LogRecord.Decode(header[8], body);
            }
            catch (FormatException ex)
            {
                return new(offset, length, $"does not decode: {ex.Message}");
            }
            var size = LogFraming.HeaderSize + (int)payloadLength;
            if (accept(record, size) is { } problem)
                return new(offset, length, problem);
            offset += size;
        }
        return new(offset, length, null);
    }

    private static void ReadExactly(Microsoft.Win32.SafeHandles.SafeFileHandle handle, Span<byte> buffer, long offset)
    {
        while (!buffer.IsEmpty)
        {
            var read = RandomAccess.Read(handle, buffer, offset);
            if (read == 0) throw new EndOfStreamException($"unexpected end of file at offset {offset}");
            buffer = buffer[read..];
            offset += read;
        }
    }
}
