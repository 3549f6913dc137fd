// Classification happens in the extension, not in the core (docs/CONTRACTS.md): a verdict's score
// against the threshold of the user's sensitivity level, with the user's own decision winning.
// So a sensitivity change re-renders open tabs without re-scoring. Pure functions.

/** The level object for a sensitivity id, falling back to the model's default level. */
export function levelFor(model, sensitivity) {
  const levels = Array.isArray(model?.levels) ? model.levels : [];
  const valid = (l) => l && typeof l.threshold === 'number' && Number.isFinite(l.threshold);
  return levels.find((l) => l?.id === sensitivity && valid(l))
    ?? levels.find((l) => l?.id === model?.default_level && valid(l))
    ?? null;
}

/**
 * 'flagged' | 'clear' | 'unknown' for one account.
 * @param {object|null} verdict the core's verdict (score may be null = not enough data)
 * @param {{model?: object, sensitivity?: string|null, override?: 'allow'|'flag'|null}} ctx
 */
export function classify(verdict, { model, sensitivity = null, override = null } = {}) {
  if (override === 'allow') return 'clear';
  if (override === 'flag') return 'flagged';
  const score = verdict?.score;
  if (typeof score !== 'number' || !Number.isFinite(score)) return 'unknown';
  const level = levelFor(model, sensitivity);
  if (!level) return 'unknown';
  return score >= level.threshold ? 'flagged' : 'clear';
}
