// The ChatKit client: one POST endpoint, JSON answers for non-streaming operations and
// Server-Sent Events (`data: {...}\n\n` frames) for streaming ones, read from fetch's body stream.

/** A failed request: HTTP status, the gateway's error code and message, Retry-After seconds. */
export class ApiError extends Error {
  constructor(status, code, message, retryAfter = null) {
    super(message);
    this.name = 'ApiError';
    this.status = status;
    this.code = code;
    this.retryAfter = retryAfter;
  }
}

/** Talks to one ChatKit endpoint with a Bearer token: a string, or a function giving one. */
export class ChatKitClient {
  constructor(url, token) {
    this.url = url;
    this.token = token;
  }

  async #post(type, params, signal, metadata) {
    const token = typeof this.token === 'function' ? await this.token() : this.token;
    let response;
    try {
      response = await fetch(this.url, {
        method: 'POST',
        headers: {
          'Authorization': `Bearer ${token}`,
          'Content-Type': 'application/json',
          'Accept': 'application/json, text/event-stream',
        },
        body: JSON.stringify(metadata ? { type, params, metadata } : { type, params }),
        signal,
      });
    } catch (e) {
      if (e.name === 'AbortError') throw e;
      throw new ApiError(0, 'unreachable', e.message);
    }
    if (!response.ok) throw await errorOf(response);
    return response;
  }

  /** A non-streaming operation (`threads.list`, `items.list`, `threads.update`…): its JSON answer. */
  async request(type, params, metadata) {
    const response = await this.#post(type, params, undefined, metadata);
    return response.json();
  }

  /** A streaming operation (`threads.create`, `threads.add_user_message`…): yields each event. */
  async *stream(type, params, signal) {
    const response = await this.#post(type, params, signal);
    const reader = response.body.pipeThrough(new TextDecoderStream()).getReader();
    let buffer = '';
    try {
      for (;;) {
        const { value, done } = await reader.read();
        if (done) break;
        buffer += value;
        let end;
        while ((end = frameEnd(buffer)) !== null) {
          const event = parseFrame(buffer.slice(0, end.at));
          buffer = buffer.slice(end.at + end.length);
          if (event) yield event;
        }
      }
      const last = parseFrame(buffer);
      if (last) yield last;
    } finally {
      reader.releaseLock();
    }
  }
}

/** Where the first blank line (the end of a frame) is, or null. */
function frameEnd(buffer) {
  const match = /\r?\n\r?\n/.exec(buffer);
  return match ? { at: match.index, length: match[0].length } : null;
}

/** The JSON of a frame's `data:` lines, or null for comments and empty frames. */
function parseFrame(frame) {
  const data = frame
    .split(/\r?\n/)
    .filter((line) => line.startsWith('data:'))
    .map((line) => line.slice(5).replace(/^ /, ''))
    .join('\n');
  if (!data) return null;
  try {
    return JSON.parse(data);
  } catch {
    return { type: 'error', code: 'stream.error', allow_retry: false };
  }
}

/** The gateway's `{"error": {"code", "message"}}` as an ApiError (or a plain one if absent). */
async function errorOf(response) {
  const retryAfter = Number(response.headers.get('Retry-After')) || null;
  let body = null;
  try {
    body = await response.json();
  } catch {
    // Not JSON (a proxy's error page): fall back to the status text.
  }
  const code = body?.error?.code ?? `http_${response.status}`;
  const message = body?.error?.message ?? response.statusText;
  return new ApiError(response.status, code, message, retryAfter);
}
