/** A browser's `User-Agent`, shortened to what a person recognises: «Chrome 131, Windows». */

export interface BrowserInfo {
  /** A product name («Chrome», «Яндекс Браузер» is `Yandex`: the page translates it), or null. */
  browser: string | null;
  /** The major version, when the agent gives one. */
  version: string | null;
  /** The operating system or device («Windows», «iPhone»), or null. */
  system: string | null;
}

// Order matters: Edge, Opera and Yandex also call themselves Chrome and Safari.
const BROWSERS: [name: string, pattern: RegExp][] = [
  ['Yandex', /YaBrowser\/(\d+)/],
  ['Edge', /Edg(?:e|A|iOS)?\/(\d+)/],
  ['Opera', /(?:OPR|Opera)\/(\d+)/],
  ['Samsung Internet', /SamsungBrowser\/(\d+)/],
  ['Firefox', /(?:Firefox|FxiOS)\/(\d+)/],
  ['Chrome', /(?:HeadlessChrome|Chrome|CriOS|Chromium)\/(\d+)/],
  ['Safari', /Version\/(\d+)[\d.]*(?: Mobile\/\w+)? Safari\//],
];

const SYSTEMS: [name: string, pattern: RegExp][] = [
  ['iPhone', /iPhone/],
  ['iPad', /iPad/],
  ['Android', /Android/],
  ['ChromeOS', /CrOS/],
  ['Windows', /Windows/],
  ['macOS', /Mac OS X|Macintosh/],
  ['Linux', /Linux|X11/],
];

export function describeUserAgent(userAgent: string | null | undefined): BrowserInfo {
  const agent = userAgent ?? '';
  let browser: string | null = null;
  let version: string | null = null;
  for (const [name, pattern] of BROWSERS) {
    const match = pattern.exec(agent);
    if (match) {
      browser = name;
      version = match[1] ?? null;
      break;
    }
  }
  const system = SYSTEMS.find(([, pattern]) => pattern.test(agent))?.[0] ?? null;
  return { browser, version, system };
}
