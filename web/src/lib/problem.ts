/**
 * Turns an HTTP error (RFC 9457 problem+json, or whatever a proxy returned instead)
 * into one sentence a person can act on.
 */
export function problemMessage(status: number, body: unknown): string {
  if (isRecord(body)) {
    const validation = validationMessages(body['errors']);
    if (validation.length > 0) return validation.join(' ');
    const detail = body['detail'];
    if (typeof detail === 'string' && detail.trim().length > 0) return detail.trim();
    const title = body['title'];
    if (typeof title === 'string' && title.trim().length > 0 && !isGenericTitle(title)) return title.trim();
  }
  return statusMessage(status);
}

export function statusMessage(status: number): string {
  switch (status) {
    case 0:
      return 'Cannot reach the server. Check your connection and try again.';
    case 400:
      return 'The request was not valid. Check what you entered and try again.';
    case 401:
      return 'Your session has expired. Please sign in again.';
    case 403:
      return 'You are not allowed to do that.';
    case 404:
      return 'Not found. It may have been deleted, or the link may be wrong.';
    case 409:
      return 'That conflicts with something that already exists.';
    case 429:
      return 'Too many attempts. Wait a moment and try again.';
    default:
      return status >= 500
        ? 'The server had a problem. Try again in a moment.'
        : `The request failed (HTTP ${status}).`;
  }
}

function validationMessages(errors: unknown): string[] {
  if (!isRecord(errors)) return [];
  const messages: string[] = [];
  for (const value of Object.values(errors)) {
    if (Array.isArray(value)) {
      for (const item of value) if (typeof item === 'string' && item.length > 0) messages.push(item);
    } else if (typeof value === 'string' && value.length > 0) {
      messages.push(value);
    }
  }
  return messages;
}

/** Framework default titles ("Bad Request", "One or more validation errors occurred.") say less than our status text. */
function isGenericTitle(title: string): boolean {
  return /^(bad request|unauthorized|forbidden|not found|conflict|too many requests|internal server error|one or more validation errors occurred\.?|an error occurred while processing your request\.?)$/i.test(
    title.trim(),
  );
}

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}
