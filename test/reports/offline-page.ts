// A page of a written HTML file in headless Chromium that may load nothing but itself: every request
// it makes is recorded in `requests` and every one but the page's own is aborted; uncaught page
// errors go to `errors`. The studio tests assert both lists after driving the page.
import { pathToFileURL } from 'node:url';
import type { Page } from 'playwright-core';
import type { Chromium } from '../../reports/chromium.js';

export async function openOfflinePage(browser: Chromium, html: string, requests: string[], errors: string[]): Promise<Page> {
  const url = pathToFileURL(html).href;
  const page = await browser.context.newPage();
  page.on('pageerror', (e) => errors.push(String(e)));
  await page.route('**/*', async (route) => {
    requests.push(route.request().url());
    if (route.request().url() === url) await route.continue();
    else await route.abort();
  });
  await page.goto(url);
  return page;
}
