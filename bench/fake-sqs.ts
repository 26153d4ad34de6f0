/**
 * A local stand-in for SQS's JSON 1.0 endpoint, for benchmarks: ReceiveMessage (long polling up to
 * WaitTimeSeconds), DeleteMessageBatch and GetQueueAttributes, each answered after `latencyMs`, with
 * the MD5OfBody the SDK verifies. Messages are held in memory; a received message is hidden until
 * deleted (the benchmark never lets a visibility timeout pass).
 */
import crypto from 'node:crypto';
import http from 'node:http';
import type { AddressInfo } from 'node:net';

export interface FakeSqs {
  url: string;
  queueUrl: string;
  send(body: string): void;
  /** Messages sent and not yet deleted. */
  pending(): number;
  close(): Promise<void>;
}

export const startFakeSqs = async (latencyMs: number): Promise<FakeSqs> => {
  const visible: Array<{ id: string; body: string }> = [];
  const inFlight = new Map<string, { id: string; body: string }>();
  const waiters: Array<() => void> = [];
  let next = 0;
  const wake = () => waiters.splice(0).forEach((w) => w());
  const delay = (ms: number) => new Promise<void>((r) => setTimeout(r, ms));

  const receive = async (input: { MaxNumberOfMessages?: number; WaitTimeSeconds?: number }) => {
    const deadline = Date.now() + (input.WaitTimeSeconds ?? 0) * 1000;
    while (visible.length === 0 && Date.now() < deadline)
      await Promise.race([new Promise<void>((r) => waiters.push(r)), delay(deadline - Date.now())]);
    const taken = visible.splice(0, input.MaxNumberOfMessages ?? 1);
    return {
      Messages: taken.map((m) => {
        const handle = `rh-${m.id}`;
        inFlight.set(handle, m);
        return {
          MessageId: m.id,
          ReceiptHandle: handle,
          MD5OfBody: crypto.createHash('md5').update(m.body).digest('hex'),
          Body: m.body,
          Attributes: { ApproximateReceiveCount: '1' },
        };
      }),
    };
  };

  const server = http.createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      void (async () => {
        const input = JSON.parse(Buffer.concat(chunks).toString('utf8') || '{}') as Record<string, unknown>;
        const target = String(req.headers['x-amz-target'] ?? '');
        await delay(latencyMs);
        let answer: unknown = {};
        if (target.endsWith('.ReceiveMessage')) answer = await receive(input);
        else if (target.endsWith('.DeleteMessageBatch')) {
          const entries = (input['Entries'] ?? []) as Array<{ Id: string; ReceiptHandle: string }>;
          for (const e of entries) inFlight.delete(e.ReceiptHandle);
          answer = { Successful: entries.map((e) => ({ Id: e.Id })), Failed: [] };
        } else if (target.endsWith('.GetQueueAttributes'))
          answer = {
            Attributes: {
              RedrivePolicy: JSON.stringify({
                deadLetterTargetArn: 'arn:aws:sqs:eu-west-1:111111111111:dlq',
                maxReceiveCount: 5,
              }),
            },
          };
        res.writeHead(200, { 'content-type': 'application/x-amz-json-1.0' });
        res.end(JSON.stringify(answer));
      })();
    });
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  const { port } = server.address() as AddressInfo;
  const url = `http://127.0.0.1:${port}`;
  return {
    url,
    queueUrl: `${url}/111111111111/cloudsec-events`,
    send: (body) => {
      visible.push({ id: `msg-${++next}`, body });
      wake();
    },
    pending: () => visible.length + inFlight.size,
    close: () =>
      new Promise<void>((r) => {
        server.closeAllConnections();
        server.close(() => r());
      }),
  };
};
