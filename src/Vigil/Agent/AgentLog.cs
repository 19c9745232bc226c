namespace Vigil.Cli.Agent;

/// <summary>The agent's log: one line per event on stderr, "TIME NODE AREA: message". Thread-safe.</summary>
internal sealed class AgentLog(string node, TextWriter? output = null)
{
    private readonly TextWriter output = output ?? Console.Error;
    private readonly Lock gate = new();

    public void Write(string area, string message)
    {
        var line = $"{DateTimeOffset.UtcNow:yyyy-MM-ddTHH:mm:ss.fffZ} {node} {area}: {message}";
        lock (gate)
        {
            output.WriteLine(line);
            output.Flush();
        }
    }

    public Action<string> For(string area) => message => Write(area, message);
}
