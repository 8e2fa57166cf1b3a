import { describe, expect, it } from 'vitest';
import { cgiHeadEnd, parseCgiHead } from './local-git-backend.js';

describe('broker/local-git-backend CGI header block', () => {
  it('reads the status line and keeps the other headers', () => {
    expect(
      parseCgiHead(
        'Status: 404 Not Found\r\nExpires: Fri, 01 Jan 1980 00:00:00 GMT\r\nCache-Control: no-cache',
      ),
    ).toEqual({
      status: 404,
      headers: [
        ['Expires', 'Fri, 01 Jan 1980 00:00:00 GMT'],
        ['Cache-Control', 'no-cache'],
      ],
    });
  });

  it('answers 200 without a status line, and ignores a status that is no HTTP status', () => {
    expect(parseCgiHead('Content-Type: application/x-git-upload-pack-advertisement')).toEqual({
      status: 200,
      headers: [['Content-Type', 'application/x-git-upload-pack-advertisement']],
    });
    expect(parseCgiHead('Status: nonsense\nX-A: b:c\nno colon here').status).toBe(200);
    expect(parseCgiHead('Status: 99').status).toBe(200);
    expect(parseCgiHead('X-A: b:c').headers).toEqual([['X-A', 'b:c']]);
  });

  it('finds the blank line ending the header block, CRLF or LF', () => {
    expect(cgiHeadEnd(Buffer.from('A: b\r\nC: d\r\n\r\nbody\r\n\r\n'))).toEqual({
      head: 10,
      body: 14,
    });
    expect(cgiHeadEnd(Buffer.from('A: b\n\nbody'))).toEqual({ head: 4, body: 6 });
    expect(cgiHeadEnd(Buffer.from('A: b\r\nC: d\r\n'))).toBeUndefined();
  });
});
