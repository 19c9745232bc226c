namespace Vigil.Cli.Agent.Storage;

/// <summary>
/// Turns the BCL's file-system exceptions into <see cref="StorageException"/>s with an operator-readable message.
/// </summary>
internal static class StorageErrors
{
    /// <summary>Runs <paramref name="action"/>; an I/O or permission failure becomes a <see cref="StorageException"/> about <paramref name="what"/>.</summary>
    public static T Wrap<T>(string what, Func<T> action)
    {
        try
        {
            return action();
        }
        catch (StorageException)
        {
            throw;
        }
        catch (UnauthorizedAccessException ex)
        {
            throw new StorageException(
                $"{what}: permission denied ({ex.Message}); the data dir must be owned and writable by the user running the agent ({Environment.UserName})", ex);
        }
        catch (IOException ex)
        {
            throw new StorageException($"{what}: {ex.Message}", ex);
        }
    }

    /// <summary>As <see cref="Wrap{T}(string, Func{T})"/>, for an action without a result.</summary>
    public static void Wrap(string what, Action action) => Wrap(what, () =>
    {
        action();
        return true;
    });
}
