import { createRequire } from 'node:module';
import pdfmake from 'pdfmake';

const require = createRequire(import.meta.url);
const roboto = (file: string) => require.resolve(`pdfmake/fonts/Roboto/${file}`);

/** pdfmake's bundled Roboto: it has Cyrillic, which the PDF standard fonts lack. */
const FONTS = {
  Roboto: {
    normal: roboto('Roboto-Regular.ttf'),
    bold: roboto('Roboto-Medium.ttf'),
    italics: roboto('Roboto-Italic.ttf'),
    bolditalics: roboto('Roboto-MediumItalic.ttf'),
  },
  /** A PDF standard font (no embedding, Latin-1 only): for activation codes and logins. */
  Courier: {
    normal: 'Courier',
    bold: 'Courier-Bold',
    italics: 'Courier-Oblique',
    bolditalics: 'Courier-BoldOblique',
  },
};

const ALLOWED_LOCAL = new Set<string>(
  Object.values(FONTS).flatMap((f) => [f.normal, f.bold, f.italics, f.bolditalics]),
);

let configured = false;

/**
 * pdfmake is a process-wide singleton: fonts and resource policies are set once. Documents are
 * built only from our own data, so nothing may be fetched from the network and only the font
 * files above may be read from disk.
 */
export function pdfMake(): typeof pdfmake {
  if (!configured) {
    pdfmake.setFonts(FONTS);
    pdfmake.setUrlAccessPolicy(() => false);
    pdfmake.setLocalAccessPolicy((path) => ALLOWED_LOCAL.has(path));
    configured = true;
  }
  return pdfmake;
}
