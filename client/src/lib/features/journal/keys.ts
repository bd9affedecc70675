/** The parts of a keyboard event the journal grid looks at. */
export interface KeyPress {
  key: string;
  /** The physical key (`KeyH`), whatever the layout. */
  code?: string;
  shiftKey?: boolean;
  ctrlKey?: boolean;
  altKey?: boolean;
  metaKey?: boolean;
}

export interface KeyContext {
  scaleMin: number;
  scaleMax: number;
  /** The school's attendance codes that may be set (Н, Б, П, О…). */
  codes: readonly { id: string; code: string }[];
  /** «+» was pressed: the next mark is added instead of replacing the last one. */
  adding: boolean;
  /** Digits just typed into this cell, so that «1» then «0» gives 10 on a ten-point scale. */
  typed: string;
}

export type GridAction =
  | { kind: 'move'; rows: number; cols: number; /** Tab: leave the grid at its edge */ tab?: true }
  | { kind: 'edge'; to: 'start' | 'end' }
  | { kind: 'mark'; value: string; add: boolean }
  | { kind: 'invalidMark'; typed: string }
  | { kind: 'startAdd' }
  | { kind: 'remove' }
  | { kind: 'attendance'; codeId: string }
  | { kind: 'cancel' }
  /** The history of the cell's marks. */
  | { kind: 'history' }
  | { kind: 'none' };

const MOVES: Record<string, [number, number]> = {
  ArrowUp: [-1, 0],
  ArrowDown: [1, 0],
  ArrowLeft: [0, -1],
  ArrowRight: [0, 1],
};

/** Latin letters for Cyrillic ones, so n, b, p, o work without switching the keyboard layout. */
const LATIN: Record<string, string> = {
  а: 'a',
  б: 'b',
  в: 'v',
  г: 'g',
  д: 'd',
  е: 'e',
  з: 'z',
  и: 'i',
  к: 'k',
  л: 'l',
  м: 'm',
  н: 'n',
  о: 'o',
  п: 'p',
  р: 'r',
  с: 's',
  т: 't',
  у: 'u',
  ф: 'f',
  х: 'h',
  ц: 'c',
};

/**
 * Keys that set an attendance code: the first letter of each code, lower-cased, and its Latin
 * look-alike; when two codes share a key, the first code keeps it.
 */
export function attendanceKeys(
  codes: readonly { id: string; code: string }[],
): Map<string, string> {
  const keys = new Map<string, string>();
  for (const { id, code } of codes) {
    const letter = code.trim().charAt(0).toLowerCase();
    if (!letter) continue;
    for (const key of [letter, LATIN[letter]]) {
      if (key && !keys.has(key)) keys.set(key, id);
    }
  }
  return keys;
}

/** A mark typed as digits: inside the scale, without leading zeros. */
export function isScaleMark(value: string, scaleMin: number, scaleMax: number): boolean {
  if (!/^(0|[1-9]\d{0,2})$/.test(value)) return false;
  const mark = Number(value);
  return mark >= scaleMin && mark <= scaleMax;
}

/**
 * What a key pressed on a journal cell does. Shortcuts with Ctrl, Alt or Meta are left to the
 * browser; so are keys the grid does not use.
 */
export function keyAction(press: KeyPress, context: KeyContext): GridAction {
  if (press.ctrlKey || press.altKey || press.metaKey) return { kind: 'none' };
  const { key } = press;
  const move = MOVES[key];
  if (move) return { kind: 'move', rows: move[0], cols: move[1] };
  switch (key) {
    case 'Tab':
      return { kind: 'move', rows: 0, cols: press.shiftKey ? -1 : 1, tab: true };
    case 'Enter':
      return { kind: 'move', rows: press.shiftKey ? -1 : 1, cols: 0 };
    case 'Home':
      return { kind: 'edge', to: 'start' };
    case 'End':
      return { kind: 'edge', to: 'end' };
    case 'Delete':
    case 'Backspace':
      return { kind: 'remove' };
    case 'Escape':
      return { kind: 'cancel' };
    case '+':
      return { kind: 'startAdd' };
  }
  if (/^\d$/.test(key)) {
    const { scaleMin, scaleMax, typed, adding } = context;
    // A second digit right after the first continues the same mark, when that makes one (10).
    if (typed && !adding && isScaleMark(typed + key, scaleMin, scaleMax)) {
      return { kind: 'mark', value: typed + key, add: false };
    }
    if (isScaleMark(key, scaleMin, scaleMax)) return { kind: 'mark', value: key, add: adding };
    return { kind: 'invalidMark', typed: key };
  }
  if (key.length === 1) {
    const codeId = attendanceKeys(context.codes).get(key.toLowerCase());
    if (codeId) return { kind: 'attendance', codeId };
  }
  // H (Р on the Russian layout) unless an attendance code took that letter.
  if (press.code === 'KeyH' || key === 'h' || key === 'р') return { kind: 'history' };
  return { kind: 'none' };
}
