/**
 * A rolling restart of every replica while slash commands keep coming: two bot processes on one
 * PostgreSQL schema behind a load balancer (balancer.ts); each in turn is replaced as an
 * orchestrator does it (start the new one, SIGTERM the old one while it is still in rotation, so
 * commands keep arriving as it shuts down). Every command must be answered exactly once: none lost
 * with a stopping replica, none answered by two.
 */
import type { ChildProcess } from 'node:child_process';
import { makeBalancer, type Delivery } from '../fixtures/replicas/balancer';
import { eventually, useReplicas, type Bot } from '../fixtures/replicas/bot-process';
import { command, sign, type Interaction } from '../fixtures/replicas/slack-requests';

jest.setTimeout(150_000);

/** Commands in flight at once (a few users typing). */
const CLIENTS = 2;
/** Commands still sent once the last old replica is gone: the new ones answer alone. */
const AFTER = 6;

describe('a rolling restart of two cloudsec replicas under a stream of commands', () => {
  const replicas = useReplicas();

  it('when every replica is replaced in turn, then every command is answered exactly once', async () => {
    const old = [await replicas.start('a')];
    old.push(await replicas.start('b'));
    const balancer = makeBalancer(old);
    const sent: Array<{ request: Interaction; delivery: Delivery }> = [];
    let restarted = false;
    let sentAfter = 0;

    // Each client sends a command, waits for the balancer's answer, and sends the next one.
    const client = async (n: number) => {
      while (!restarted || sentAfter < AFTER) {
        if (restarted) sentAfter += 1;
        const request = command(replicas.slack, n % 2 === 0 ? 'help' : 'whoami');
        sent.push({ request, delivery: await balancer.send(sign(request)) });
        // Paced, so the stream does not starve the replicas starting on a two-core machine.
        await new Promise((r) => setTimeout(r, 100));
      }
    };
    const stream = Promise.all(Array.from({ length: CLIENTS }, (_, n) => client(n)));

    const replaced: Bot[] = [];
    for (const [i, bot] of old.entries()) {
      const successor = await replicas.start(`${bot.name}${i + 2}`);
      balancer.add(successor);
      replaced.push(successor);
      // Still in rotation when it is told to stop: commands reach it while it shuts down.
      const exit = await bot.stop();
      balancer.remove(bot);
      expect(exit).toEqual({ code: 0, signal: null });
      expect(bot.logs.some((l) => l.msg === 'Slack app stopped')).toBe(true);
    }
    restarted = true;
    await stream;

    const handledBy = (bot: Bot) => sent.filter((s) => s.delivery.bot === bot.name).length;
    // The stream went through every generation of replicas.
    for (const bot of [...old, ...replaced]) expect(handledBy(bot)).toBeGreaterThan(0);
    expect(sent.map((s) => s.delivery.status)).toEqual(sent.map(() => 200));

    await eventually(
      () => sent.every((s) => replicas.slack.responsesTo(s.request.responsePath).length > 0),
      `an answer to each of ${sent.length} commands`,
    );
    // Stopped gracefully, the last replicas finish what they started: after this, no answer can come.
    for (const bot of replaced) expect((await bot.stop()).code).toBe(0);
    const answers = sent.map((s) => replicas.slack.responsesTo(s.request.responsePath).length);
    expect(answers).toEqual(sent.map(() => 1));
    expect(new Set(replaced.map((b) => (b.process as ChildProcess).pid)).size).toBe(2);
  });
});
