// A Server-Sent Events reader over a fetch body (an EventSource cannot send Authorization):
// yields each event's id, name and data; comment lines (keep-alives) are skipped.
export interface SseEvent {
  id: string | undefined;
  event: string;
  data: string;
  retry?: number;
}

export async function* readSse(body: ReadableStream<Uint8Array>): AsyncGenerator<SseEvent> {
  const decoder = new TextDecoder();
  let buf = '';
  let id: string | undefined;
  let event = 'message';
  let data: string[] = [];
  let retry: number | undefined;
  const reader = body.getReader();
  try {
    for (;;) {
      const { value, done } = await reader.read();
      if (done) return;
      buf += decoder.decode(value, { stream: true });
      let nl: number;
      while ((nl = buf.search(/\r\n|\r|\n/)) >= 0) {
        const line = buf.slice(0, nl);
        buf = buf.slice(nl + (buf.startsWith('\r\n', nl) ? 2 : 1));
        if (line === '') {
          if (data.length > 0) yield { id, event, data: data.join('\n'), ...(retry === undefined ? {} : { retry }) };
          event = 'message';
          data = [];
          continue;
        }
        if (line.startsWith(':')) continue;
        const i = line.indexOf(':');
        const field = i < 0 ? line : line.slice(0, i);
        const v = i < 0 ? '' : line.slice(i + 1).replace(/^ /, '');
        if (field === 'data') data.push(v);
        else if (field === 'event') event = v;
        else if (field === 'id') id = v;
        else if (field === 'retry' && /^\d+$/.test(v)) retry = Number(v);
      }
    }
  } finally {
    reader.releaseLock();
    await body.cancel().catch(() => undefined);
  }
}
