using System.Text.Json;
using Vigil.Cli.Agent.Storage;
using Vigil.Core.Interfaces;

namespace Vigil.Cli.Agent.Interfaces;

/// <summary>
/// What an interface group keeps across agent restarts (`stay` homes, `vigil ip backup` backups), one JSON file
/// per group under DATA_DIR/interfaces/GROUP.json, replaced atomically. An unreadable file is reported and
/// ignored (the configuration's homes apply), never fatal.
/// </summary>
internal sealed class PlacementStore(string dataDir, Action<string> log)
{
    private string Folder => Path.Combine(dataDir, "interfaces");

    private string PathOf(string group) => Path.Combine(Folder, group + ".json");

    public PersistedPlacement? Load(string group)
    {
        var path = PathOf(group);
        AtomicFile.RemoveStaleTemp(path);
        if (!File.Exists(path)) return null;
        try
        {
            var stored = JsonSerializer.Deserialize<Stored>(File.ReadAllText(path));
            if (stored is null) throw new JsonException("empty document");
            return new PersistedPlacement(group,
                new Dictionary<string, string>(stored.Homes ?? [], StringComparer.Ordinal),
                new Dictionary<string, string>(stored.Backups ?? [], StringComparer.Ordinal));
        }
        catch (Exception e) when (e is JsonException or IOException)
        {
            log($"{path}: unreadable ({e.Message}); interface group {group} starts from the configuration's homes and no operator backups");
            return null;
        }
    }

    public void Save(PersistedPlacement placement)
    {
        Directory.CreateDirectory(Folder);
        var stored = new Stored(new(placement.Homes), new(placement.Backups));
        AtomicFile.Write(PathOf(placement.Group), JsonSerializer.SerializeToUtf8Bytes(stored));
    }

    private sealed record Stored(Dictionary<string, string>? Homes, Dictionary<string, string>? Backups);
}
