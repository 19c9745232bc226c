using Vigil.Cli.Agent.Wire;
using Vigil.Core.Coordination;
using Vigil.Core.Node;

namespace Vigil.Cli.Agent;

/// <summary>What the agent's loop reacts to (besides its own ticks). Queued from other threads, handled on the loop.</summary>
internal abstract record AgentEvent;

/// <summary>
/// An authenticated message from a peer (heartbeats are handled on the receive thread). <paramref name="ArrivedAt"/>:
/// when the kernel received it (agent clock), which may be a heartbeat before the loop handles a routine message.
/// <paramref name="Routine"/>: the sender marked it as carrying no news (see <see cref="Wire.WireFormat"/>).
/// </summary>
internal sealed record MessageArrived(string Sender, MessageKind Kind, byte[] Body, TimeSpan ArrivedAt, bool Routine = false) : AgentEvent;

/// <summary>A resource action finished; <paramref name="ControllerLife"/> names the controller that asked.</summary>
internal sealed record ActionFinished(long ControllerLife, ActionCompleted Result, RunAction? Action = null) : AgentEvent;

/// <summary>A fence device or failover script finished for the coordinator <paramref name="CoordinatorLife"/>.</summary>
internal sealed record CoordinatorEffectFinished(long CoordinatorLife, CoordinatorInput Result) : AgentEvent;

/// <summary>A local API call that needs the loop: status, or a request to commit.</summary>
internal sealed record ApiCall(ClientRequest? Request, TaskCompletionSource<object> Reply) : AgentEvent;

/// <summary>Stop the loop (SIGTERM, Ctrl-C).</summary>
internal sealed record StopRequested : AgentEvent;
