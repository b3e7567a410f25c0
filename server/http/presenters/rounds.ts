import type { RoundWard } from '../../domain/rounds/service.ts';

export function presentRoundWard(w: RoundWard) {
  return { ...w, submittedAt: w.submittedAt ? w.submittedAt.toISOString() : null };
}
