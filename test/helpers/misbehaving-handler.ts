import type { IncomingMessage, ServerResponse } from 'node:http';

/**
 * What a podlet does with a content request: answer, hang, answer with a new version every time,
 * or send half its body and stop there (`cut`), as a podlet killed mid-response would.
 */
export type PodletBehaviour = 'ok' | 'hang' | 'flap' | 'cut';

type Handler = (req: IncomingMessage, res: ServerResponse) => void;

/**
 * A podlet's handler that misbehaves on demand, as `behaviour()` says at each request: 'ok' answers
 * as the podlet does; 'hang' accepts the content request (`/`) and never answers; 'flap' sends a
 * new podlet-version header on every content response, as a podlet stuck in a deploy loop would;
 * 'cut' sends the headers and half the body, then nothing (`onMidBody` gets the response once that
 * half is on the wire). Its manifest, podmap.json, fallback and modules always answer.
 */
export function misbehavingHandler(
  handle: Handler,
  behaviour: () => PodletBehaviour,
  options: { onMidBody?: (res: ServerResponse) => void } = {},
): Handler {
  let flaps = 0;
  return (req, res) => {
    const now = req.url === '/' ? behaviour() : 'ok';
    if (now === 'hang') return; // never answers
    if (now === 'cut') {
      // The headers and half the body go out; the rest never does.
      res.end = ((body: string) => {
        res.write(body.slice(0, body.length >> 1), (error) => {
          if (!error && !res.destroyed) options.onMidBody?.(res);
        });
        return res;
      }) as typeof res.end;
    }
    if (now === 'flap') {
      const writeHead = res.writeHead.bind(res) as (status: number, headers?: Record<string, string>) => typeof res;
      res.writeHead = ((status: number, headers: Record<string, string> = {}) =>
        writeHead(status, { ...headers, 'podlet-version': `9.9.${++flaps}` })) as typeof res.writeHead;
    }
    handle(req, res);
  };
}
