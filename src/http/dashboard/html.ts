/** The few pages the server writes itself (a failed login, the dashboard not built): plain HTML, no script, no inline style. */
import { LOGIN_PATH } from './paths';

function escape(text: string): string {
  return text.replace(/[&<>"']/g, (c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' })[c] ?? c);
}

export function messagePage(title: string, message: string, link?: { readonly href: string; readonly text: string }): string {
  return [
    '<!doctype html>',
    '<html lang="en"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width, initial-scale=1">',
    `<title>${escape(title)} · hiqty</title></head>`,
    `<body><main><h1>${escape(title)}</h1><p>${escape(message)}</p>`,
    link === undefined ? '' : `<p><a id="retry" href="${escape(link.href)}">${escape(link.text)}</a></p>`,
    '</main></body></html>',
  ].join('');
}

export const loginFailedPage = (message: string): string => messagePage('Login failed', message, { href: LOGIN_PATH, text: 'Try again' });
