// A year's study periods for unit tests of the code that picks or orders them.

/** Three periods of 2026/27, listed out of their order in the year. */
export const unorderedPeriods = [
  { id: '2', startsOn: '2026-11-05', endsOn: '2026-12-29' },
  { id: '1', startsOn: '2026-09-01', endsOn: '2026-10-24' },
  { id: '3', startsOn: '2027-01-12', endsOn: '2027-03-27' },
];
