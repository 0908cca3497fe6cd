/**
 * A form POSTed to the admin listener, read with a bound: `application/x-www-form-urlencoded` only,
 * at most `maxBytes` (a larger body is refused as soon as its length or its bytes say so, not read
 * to the end). How long the body may take is the HTTP server's `requestTimeout`.
 */
import type { IncomingMessage } from 'node:http';

export class FormBodyError extends Error {
  override name = 'FormBodyError';
  constructor(
    /** The HTTP status to answer: 413 too large, 415 not a form, 400 cut short. */
    readonly status: 400 | 413 | 415,
    message: string,
  ) {
    super(message);
  }
}

export async function readForm(request: IncomingMessage, maxBytes: number): Promise<URLSearchParams> {
  const type = (request.headers['content-type'] ?? '').split(';')[0]!.trim().toLowerCase();
  if (type !== 'application/x-www-form-urlencoded')
    throw new FormBodyError(415, 'a form (application/x-www-form-urlencoded) is expected');
  const declared = Number(request.headers['content-length'] ?? NaN);
  if (declared > maxBytes) throw new FormBodyError(413, `a form of at most ${maxBytes} bytes is expected`);
  const chunks: Buffer[] = [];
  let length = 0;
  try {
    for await (const chunk of request as AsyncIterable<Buffer>) {
      length += chunk.length;
      if (length > maxBytes) throw new FormBodyError(413, `a form of at most ${maxBytes} bytes is expected`);
      chunks.push(chunk);
    }
  } catch (error) {
    if (error instanceof FormBodyError) throw error;
    throw new FormBodyError(400, 'the form was cut short');
  }
  const body = Buffer.concat(chunks);
  try {
    return new URLSearchParams(body.toString('utf8'));
  } finally {
    body.fill(0); // it holds a password
  }
}
