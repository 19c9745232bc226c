using System.CommandLine;
using Vigil.Cli.Agent.Wire;

namespace Vigil.Cli.Commands;

/// <summary>'vigil keygen FILE': writes a new cluster key (mode 0600); copy the same file to every node.</summary>
public static class KeygenCommand
{
    public static Command Create()
    {
        var file = new Argument<FileInfo>("file") { Description = "Where to write the key (must not exist)." };
        var command = new Command("keygen", "Create a cluster key file (every node needs the same one).");
        command.Arguments.Add(file);
        command.SetAction(parse =>
        {
            var path = parse.GetValue(file)!.FullName;
            if (File.Exists(path))
            {
                Console.Error.WriteLine($"vigil keygen: {path} exists; not overwriting a key");
                return 1;
            }
            File.WriteAllText(path, ClusterKey.Generate() + "\n");
            File.SetUnixFileMode(path, UnixFileMode.UserRead | UnixFileMode.UserWrite);
            Console.WriteLine($"wrote {path} (mode 0600); copy it to every node and set cluster.key_file");
            return 0;
        });
        return command;
    }
}
