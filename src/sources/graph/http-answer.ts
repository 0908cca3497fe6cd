/** What the graph source reads from an HTTP exchange that went wrong, or from a body that may not be JSON. */

/** A body's JSON object, or undefined for anything else (an HTML error page, a proxy's text). */
export function jsonObject(text: string): Readonly<Record<string, unknown>> | undefined {
  try {
    const parsed = JSON.parse(text) as unknown;
    return typeof parsed === 'object' && parsed !== null ? (parsed as Record<string, unknown>) : undefined;
  } catch {
    return undefined;
  }
}

/** Why a request reached no answer: fetch's cause (`ECONNREFUSED (…)`), else the error's message. */
export function networkReason(error: unknown): string {
  const cause = (error as { cause?: { code?: string; message?: string } } | undefined)?.cause;
  if (cause?.code !== undefined) return `${cause.code}${cause.message ? ` (${cause.message})` : ''}`;
  return error instanceof Error ? error.message : String(error);
}
