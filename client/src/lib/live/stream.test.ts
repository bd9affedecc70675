import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import type { RawLiveEvent } from './events';
import { LiveStream, type StreamSink, type StreamStatus } from './stream';

/** A socket stand-in: records each subscription and lets the test speak for the server. */
class FakeServer {
  subscriptions: { after: string | null; sink: StreamSink; closed: boolean }[] = [];

  connect = (after: string | null, sink: StreamSink) => {
    const subscription = { after, sink, closed: false };
    this.subscriptions.push(subscription);
    return () => {
      subscription.closed = true;
    };
  };

  get current() {
    const last = this.subscriptions.at(-1);
    if (!last || last.closed) throw new Error('No open subscription');
    return last;
  }
}

const event = (id: string): RawLiveEvent => ({
  id,
  type: 'MARK_SAVED',
  courseId: '1',
  payload: '{}',
  at: '2026-11-27T10:00:00Z',
});

let server: FakeServer;
let received: string[];
let resyncs: number;
let statuses: StreamStatus[];
let online: boolean;
let stream: LiveStream;

function start(delay = (attempt: number) => 1000 * 2 ** attempt) {
  stream = new LiveStream({
    connect: server.connect,
    onEvent: (e) => received.push(e.id),
    onResync: () => resyncs++,
    onStatus: (s) => statuses.push(s),
    delay,
    isOnline: () => online,
  });
  stream.start();
}

beforeEach(() => {
  vi.useFakeTimers();
  server = new FakeServer();
  received = [];
  resyncs = 0;
  statuses = [];
  online = true;
});

afterEach(() => {
  stream?.stop();
  vi.useRealTimers();
});

describe('LiveStream', () => {
  it('subscribes from now on, then passes events on once each, in order', () => {
    start();
    expect(server.subscriptions).toHaveLength(1);
    expect(server.current.after).toBeNull();
    server.current.sink.open();
    for (const id of ['7', '8', '8', '5', '10']) server.current.sink.next(event(id));
    // "10" comes after "8" though it sorts before it as text.
    expect(received).toEqual(['7', '8', '10']);
    expect(stream.lastId).toBe('10');
    expect(statuses).toEqual(['connecting', 'live']);
    expect(resyncs).toBe(0);
  });

  it('resumes after the last event seen and drops what the replay repeats', async () => {
    start();
    server.current.sink.open();
    server.current.sink.next(event('41'));
    server.current.sink.next(event('42'));
    server.current.sink.fail('network');
    expect(stream.status).toBe('down');
    expect(server.subscriptions[0].closed).toBe(true);

    await vi.advanceTimersByTimeAsync(999);
    expect(server.subscriptions).toHaveLength(1);
    await vi.advanceTimersByTimeAsync(1);
    expect(server.current.after).toBe('42');
    server.current.sink.open();
    expect(stream.status).toBe('live');
    // The replay overlaps what came live before the socket closed.
    for (const id of ['42', '43', '44']) server.current.sink.next(event(id));
    expect(received).toEqual(['41', '42', '43', '44']);
    expect(resyncs).toBe(0);
  });

  it('waits longer after each failed attempt and starts over once connected', async () => {
    start();
    server.current.sink.fail('network');
    await vi.advanceTimersByTimeAsync(1000);
    server.current.sink.fail('network');
    await vi.advanceTimersByTimeAsync(1999);
    expect(server.subscriptions).toHaveLength(2);
    await vi.advanceTimersByTimeAsync(1);
    expect(server.subscriptions).toHaveLength(3);
    server.current.sink.fail('server');
    await vi.advanceTimersByTimeAsync(4000);
    expect(server.subscriptions).toHaveLength(4);

    server.current.sink.open();
    server.current.sink.end();
    await vi.advanceTimersByTimeAsync(1000);
    expect(server.subscriptions).toHaveLength(5);
  });

  it('subscribes afresh and has the page read again when the server cannot replay', () => {
    start();
    server.current.sink.open();
    server.current.sink.next(event('3'));
    server.current.sink.fail('network');
    vi.advanceTimersByTime(1000);
    expect(server.current.after).toBe('3');
    server.current.sink.fail('resync');
    expect(server.subscriptions).toHaveLength(3);
    expect(server.current.after).toBeNull();
    // The page is read once the subscription is on the socket, not before.
    expect(resyncs).toBe(0);
    server.current.sink.open();
    expect(resyncs).toBe(1);
    server.current.sink.next(event('900'));
    expect(received).toEqual(['3', '900']);
  });

  it('reads the page again after reconnecting without an event to resume from', async () => {
    start();
    server.current.sink.open();
    server.current.sink.fail('network');
    await vi.advanceTimersByTimeAsync(1000);
    expect(server.current.after).toBeNull();
    server.current.sink.open();
    expect(resyncs).toBe(1);
  });

  it('waits for the device to be online, then retries at once', async () => {
    start();
    server.current.sink.open();
    server.current.sink.next(event('12'));
    online = false;
    server.current.sink.fail('network');
    await vi.advanceTimersByTimeAsync(60_000);
    expect(server.subscriptions).toHaveLength(1);
    expect(stream.status).toBe('down');
    online = true;
    stream.retryNow();
    expect(server.subscriptions).toHaveLength(2);
    expect(server.current.after).toBe('12');
    // A second call while that attempt is under way changes nothing.
    stream.retryNow();
    expect(server.subscriptions).toHaveLength(2);
  });

  it('ignores what an old subscription says after it was replaced', async () => {
    start();
    const first = server.current.sink;
    first.open();
    first.fail('network');
    await vi.advanceTimersByTimeAsync(1000);
    first.next(event('99'));
    first.fail('network');
    expect(received).toEqual([]);
    expect(server.subscriptions).toHaveLength(2);
  });

  it('stops for good when refused, and when stopped', () => {
    const stops: string[] = [];
    stream = new LiveStream({
      connect: server.connect,
      onEvent: () => {},
      onStop: (reason) => stops.push(reason),
    });
    stream.start();
    server.current.sink.fail('refused');
    expect(stream.status).toBe('stopped');
    expect(stops).toEqual(['refused']);
    vi.advanceTimersByTime(60_000);
    expect(server.subscriptions).toHaveLength(1);

    stream.start();
    server.current.sink.fail('network');
    stream.stop();
    vi.advanceTimersByTime(60_000);
    expect(server.subscriptions).toHaveLength(2);
    expect(server.subscriptions[1].closed).toBe(true);
  });
});
