/**
 * The two small pages the unsubscribe link shows, in the store's name. Plain HTML with inline styles and no script,
 * so it renders the same in any browser and mail client's web view; every value is escaped.
 */
const HTML_ESCAPES: Record<string, string> = { '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' };
const escapeHtml = (value: string) => value.replace(/[&<>"']/g, (character) => HTML_ESCAPES[character]!);

function page(title: string, body: string): string {
  return `<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<meta name="robots" content="noindex">
<title>${title}</title>
</head>
<body style="font-family:system-ui,-apple-system,Segoe UI,Roboto,sans-serif;max-width:32rem;margin:4rem auto;padding:0 1rem;color:#222;line-height:1.5">
${body}
</body>
</html>`;
}

/** GET: asks before doing anything; the button POSTs the RFC 8058 form body to the same URL. */
export function confirmationPage(storeName: string, actionPath: string): string {
  const store = escapeHtml(storeName);
  return page(
    `Unsubscribe from ${store}`,
    `<h1 style="font-size:1.4rem">Unsubscribe from ${store}</h1>
<p>You will no longer receive marketing emails from ${store}. Messages about your own orders, repairs and appointments are not affected.</p>
<form method="post" action="${escapeHtml(actionPath)}">
<input type="hidden" name="List-Unsubscribe" value="One-Click">
<button type="submit" style="font-size:1rem;padding:.6rem 1.2rem;border:0;border-radius:6px;background:#222;color:#fff;cursor:pointer">Unsubscribe</button>
</form>`,
  );
}

/** POST: done (also shown when it had been done before). */
export function unsubscribedPage(storeName: string): string {
  const store = escapeHtml(storeName);
  return page(
    `Unsubscribed from ${store}`,
    `<h1 style="font-size:1.4rem">You are unsubscribed</h1>
<p>${store} will not send you marketing emails any more. Messages about your own orders, repairs and appointments still reach you.</p>`,
  );
}
