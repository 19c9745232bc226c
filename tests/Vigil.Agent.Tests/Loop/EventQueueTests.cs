using System.Diagnostics;
using Vigil.Cli.Agent;

namespace Vigil.Agent.Tests.Loop;

/// <summary>The loop's inbox: the heartbeat thread's tick request wakes a waiting loop at once and is taken once.</summary>
public sealed class EventQueueTests
{
    [Fact]
    public async Task A_tick_request_wakes_a_waiting_taker_at_once_and_is_taken_once()
    {
        var queue = new EventQueue(capacity: 10);
        var watch = Stopwatch.StartNew();
        var requester = Task.Run(() =>
        {
            Thread.Sleep(100);
            queue.RequestTick();
        });
        Assert.False(queue.TryTake(out var item, TimeSpan.FromSeconds(20)));
        Assert.Null(item);
        Assert.True(watch.Elapsed < TimeSpan.FromSeconds(10), $"the taker slept {watch.Elapsed} despite the tick request");
        Assert.True(queue.TakeTickRequest());
        Assert.False(queue.TakeTickRequest());
        await requester;
    }

    [Fact]
    public void A_tick_requested_before_the_wait_is_not_lost()
    {
        var queue = new EventQueue(capacity: 10);
        queue.RequestTick();
        var watch = Stopwatch.StartNew();
        Assert.False(queue.TryTake(out _, TimeSpan.FromSeconds(20)));
        Assert.True(watch.Elapsed < TimeSpan.FromSeconds(10), "a tick requested before the taker waited must not be slept through");
        Assert.True(queue.TakeTickRequest());
    }

    [Fact]
    public void Several_requests_before_the_taker_looks_make_one_tick()
    {
        var queue = new EventQueue(capacity: 10);
        queue.RequestTick();
        queue.RequestTick();
        Assert.True(queue.TakeTickRequest());
        Assert.False(queue.TakeTickRequest());
    }

    [Fact]
    public void Without_a_request_the_taker_waits_its_timeout()
    {
        var queue = new EventQueue(capacity: 10);
        var watch = Stopwatch.StartNew();
        Assert.False(queue.TryTake(out _, TimeSpan.FromMilliseconds(200)));
        Assert.True(watch.Elapsed >= TimeSpan.FromMilliseconds(150), $"returned after {watch.Elapsed}");
        Assert.False(queue.TakeTickRequest());
    }

    [Fact]
    public void A_full_queue_refuses_more_and_an_unwoken_item_waits_for_the_taker()
    {
        var queue = new EventQueue(capacity: 1);
        Assert.True(queue.TryAdd(new StopRequested(), wake: false));
        Assert.False(queue.TryAdd(new StopRequested()));
        Assert.True(queue.TryTake(out var item, TimeSpan.Zero));
        Assert.IsType<StopRequested>(item);
    }
}
