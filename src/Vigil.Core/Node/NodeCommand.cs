using Vigil.Core.Cluster;
using Vigil.Core.Configuration;

namespace Vigil.Core.Node;

/// <summary>What a node's host must do after a controller step.</summary>
public abstract record NodeCommand;

/// <summary>Run one resource action; answer with <see cref="ActionCompleted"/> carrying <see cref="ActionId"/>.</summary>
public sealed record RunAction(long ActionId, string Group, string Resource, string ResourceType, ResourceAction Action, TimeSpan Timeout) : NodeCommand;

/// <summary>Send this report to the coordinator.</summary>
public sealed record SendReport(NodeReport Report) : NodeCommand;

/// <summary>Stop this node now (watchdog-style): without quorum, a stop failed, so only a reset makes it safe.</summary>
public sealed record SelfFence(string Reason) : NodeCommand;

/// <summary>A local event for the log and `vigil events`.</summary>
public sealed record NodeNotice(string Message) : NodeCommand;
