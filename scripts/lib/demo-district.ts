/**
 * The shape of the synthetic Quận 12: its 11 wards, how households and poverty are spread between them, and the
 * district's list sizes per review round under the city standard. Only round 2017 is a published figure
 * (domain.md §6: 2,041 poor = 1.76 %, 1,789 near-poor = 1.55 % at the end of 2017); the other rounds are a plausible
 * path: ~3.5 % poor at the 2015 baseline, falling, a jump in 2019 when the city lines rose to 28/36 M VND per
 * person per year, and a fall again in 2020.
 */
import { apportion } from './demo-random.ts';

export const DEMO_ROUNDS = [2015, 2016, 2017, 2018, 2019, 2020] as const;
export type DemoRound = (typeof DEMO_ROUNDS)[number];
export const CALIBRATION_ROUND = 2017;
export const CALIBRATION = { poor: 2041, nearPoor: 1789 } as const;

export interface WardProfile {
  code: string;
  name: string;
  /** Share of the district's households. */
  share: number;
  /** Poverty relative to the district: outer, semi-rural wards are poorer, the inner ones near Gò Vấp less so. */
  poverty: number;
  ring: 'outer' | 'middle' | 'inner';
}

export const WARD_PROFILES: readonly WardProfile[] = [
  { code: '26764', name: 'Phường Thạnh Xuân', share: 0.075, poverty: 1.7, ring: 'outer' },
  { code: '26767', name: 'Phường Thạnh Lộc', share: 0.085, poverty: 1.9, ring: 'outer' },
  { code: '26770', name: 'Phường Hiệp Thành', share: 0.125, poverty: 1.35, ring: 'outer' },
  { code: '26773', name: 'Phường Thới An', share: 0.09, poverty: 1.8, ring: 'outer' },
  { code: '26776', name: 'Phường Tân Chánh Hiệp', share: 0.11, poverty: 1.0, ring: 'middle' },
  { code: '26779', name: 'Phường An Phú Đông', share: 0.06, poverty: 2.0, ring: 'outer' },
  { code: '26782', name: 'Phường Tân Thới Hiệp', share: 0.1, poverty: 0.9, ring: 'middle' },
  { code: '26785', name: 'Phường Trung Mỹ Tây', share: 0.075, poverty: 0.55, ring: 'inner' },
  { code: '26787', name: 'Phường Tân Hưng Thuận', share: 0.065, poverty: 0.45, ring: 'inner' },
  { code: '26788', name: 'Phường Đông Hưng Thuận', share: 0.1, poverty: 0.5, ring: 'inner' },
  { code: '26791', name: 'Phường Tân Thới Nhất', share: 0.115, poverty: 0.5, ring: 'inner' },
];

/**
 * Total households of the district per round (the rates' denominator, population statistics). 2017 lies in
 * 115,638–115,793, the range where 2,041 and 1,789 display as 1.76 % and 1.55 %.
 */
export const DISTRICT_TOTALS: Record<DemoRound, number> = {
  2015: 103_900,
  2016: 109_600,
  2017: 115_716,
  2018: 121_300,
  2019: 126_500,
  2020: 131_200,
};

/** District list sizes per round under the city standard (2017 = the published figures). */
export const DISTRICT_LISTS: Record<DemoRound, { poor: number; nearPoor: number }> = {
  2015: { poor: 3_690, nearPoor: 2_700 },
  2016: { poor: 3_015, nearPoor: 2_355 },
  2017: { poor: CALIBRATION.poor, nearPoor: CALIBRATION.nearPoor },
  2018: { poor: 1_235, nearPoor: 1_575 },
  2019: { poor: 2_845, nearPoor: 3_225 },
  2020: { poor: 1_900, nearPoor: 2_560 },
};

export interface WardTargets {
  totals: Record<DemoRound, number>;
  poor: Record<DemoRound, number>;
  nearPoor: Record<DemoRound, number>;
}

/** Splits the district's totals and list sizes between the wards; every split sums exactly to the district figure. */
export function wardTargets(): Map<string, WardTargets> {
  const out = new Map<string, WardTargets>();
  for (const w of WARD_PROFILES) out.set(w.code, { totals: {} as never, poor: {} as never, nearPoor: {} as never });
  const shares = WARD_PROFILES.map((w) => w.share);
  const poorWeights = WARD_PROFILES.map((w) => w.share * w.poverty);
  // Near-poverty varies less between wards than poverty does.
  const nearWeights = WARD_PROFILES.map((w) => w.share * (1 + (w.poverty - 1) * 0.6));
  for (const round of DEMO_ROUNDS) {
    const totals = apportion(DISTRICT_TOTALS[round], shares);
    const poor = apportion(DISTRICT_LISTS[round].poor, poorWeights);
    const near = apportion(DISTRICT_LISTS[round].nearPoor, nearWeights);
    WARD_PROFILES.forEach((w, i) => {
      const t = out.get(w.code)!;
      t.totals[round] = totals[i]!;
      t.poor[round] = poor[i]!;
      t.nearPoor[round] = near[i]!;
    });
  }
  return out;
}

/** Rate as the report shows it: percent, rounded half-up to 2 decimals (integer arithmetic, no float drift). */
export function displayRate(count: number, total: number): string {
  const hundredths = Math.floor((count * 20000 + total) / (2 * total));
  return `${Math.floor(hundredths / 100)}.${String(hundredths % 100).padStart(2, '0')}`;
}
