/**
 * The frame of the report's HTML pages: HTML5 written as well-formed XML (polyglot markup, W3C
 * "Polyglot Markup: A robust profile of the HTML5 vocabulary"), with inline CSS and no scripts,
 * so a page opens offline and an XML parser can read it.
 */
import { xmlAttr, xmlText } from './xml-text.js';

/** A whole page: `body` is markup, one element a line. */
export function htmlPage(title: string, style: string, body: readonly string[]): string {
  return [
    '<!DOCTYPE html>',
    '<html xmlns="http://www.w3.org/1999/xhtml" lang="en">',
    '<head>',
    '<meta charset="utf-8"/>',
    `<title>${xmlText(title)}</title>`,
    `<style>${style}</style>`,
    '</head>',
    '<body>',
    ...body,
    '</body>',
    '</html>',
    '',
  ].join('\n');
}

export function htmlLink(href: string, text: string): string {
  return `<a href="${xmlAttr(href)}">${xmlText(text)}</a>`;
}
