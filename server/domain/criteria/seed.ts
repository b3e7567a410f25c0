/**
 * The three criteria sets shipped with the registry (domain.md §2–3), as data. The custom migration
 * server/db/migrations/*_seed_criteria.sql inserts exactly these rows; test/unit/criteria-seed.test.ts keeps the two
 * in step. Later changes are new versions made by an administrator, never edits here.
 */
import type { CriteriaSet, Indicator } from './types.ts';

const ind = (code: string, dimension: string, vi: string, en: string, weight = 1): Indicator => ({ code, dimension, vi, en, weight });

/** Decision 59/2015/QĐ-TTg Art. 1 cl. 2 point b: 10 indicators in 5 basic social services. */
const NATIONAL_INDICATORS: Indicator[] = [
  ind('health_access', 'health', 'Tiếp cận các dịch vụ y tế', 'Access to health services'),
  ind('health_insurance', 'health', 'Bảo hiểm y tế', 'Health insurance'),
  ind('adult_education', 'education', 'Trình độ giáo dục của người lớn', 'Adult education level'),
  ind('child_schooling', 'education', 'Tình trạng đi học của trẻ em', "Children's school attendance"),
  ind('housing_quality', 'housing', 'Chất lượng nhà ở', 'Housing quality'),
  ind('housing_area', 'housing', 'Diện tích nhà ở bình quân đầu người', 'Floor area per person'),
  ind('water', 'water_sanitation', 'Nguồn nước sinh hoạt', 'Domestic water source'),
  ind('toilet', 'water_sanitation', 'Hố xí/nhà tiêu hợp vệ sinh', 'Hygienic toilet'),
  ind('telecom', 'information', 'Sử dụng dịch vụ viễn thông', 'Use of telecommunication services'),
  ind('info_assets', 'information', 'Tài sản phục vụ tiếp cận thông tin', 'Assets for information access'),
];

/** HCMC 2016–2020, domain.md §3 (provisional): 11 indicators in 5 dimensions. */
const CITY_INDICATORS: Indicator[] = [
  ind('adult_education', 'education_training', 'Trình độ giáo dục của người lớn', 'Adult education level'),
  ind('child_schooling', 'education_training', 'Tình trạng đi học của trẻ em', "Children's school attendance"),
  ind('vocational_training', 'education_training', 'Đào tạo nghề', 'Vocational training'),
  ind('health_access', 'health', 'Tiếp cận các dịch vụ y tế', 'Access to health services'),
  ind('health_insurance', 'health', 'Bảo hiểm y tế', 'Health insurance'),
  ind('employment', 'employment_social_insurance', 'Việc làm', 'Employment'),
  ind('social_insurance', 'employment_social_insurance', 'Bảo hiểm xã hội', 'Social insurance'),
  ind('housing_quality', 'living_conditions', 'Chất lượng nhà ở', 'Housing quality'),
  ind('housing_area', 'living_conditions', 'Diện tích nhà ở bình quân đầu người', 'Floor area per person'),
  ind('water', 'living_conditions', 'Nguồn nước sinh hoạt', 'Domestic water source'),
  ind('info_access', 'information', 'Tiếp cận thông tin', 'Access to information'),
];

const CITY_SOURCE = 'UBND TP. Hồ Chí Minh — chuẩn nghèo thành phố giai đoạn 2016–2020 (số quyết định cần đối chiếu; tạm thời / provisional)';

export const SEED_CRITERIA_SETS: CriteriaSet[] = [
  {
    id: 'vn-2016-2020',
    version: 1,
    standard: 'national',
    nameVi: 'Chuẩn nghèo tiếp cận đa chiều quốc gia 2016–2020',
    nameEn: 'National multidimensional poverty standard 2016–2020',
    legalSource: 'Quyết định 59/2015/QĐ-TTg, Điều 2',
    incomeUnit: 'month',
    lines: {
      urban: { poor: 900_000, nearPoor: 1_300_000, average: 1_950_000 },
      rural: { poor: 700_000, nearPoor: 1_000_000, average: 1_500_000 },
    },
    indicators: NATIONAL_INDICATORS,
    rule: { kind: 'count', cutoff: 3 },
    provisional: false,
  },
  {
    id: 'hcm-2016-2018',
    version: 1,
    standard: 'city',
    nameVi: 'Chuẩn nghèo TP. Hồ Chí Minh 2016–2018',
    nameEn: 'Ho Chi Minh City poverty standard 2016–2018',
    legalSource: CITY_SOURCE,
    incomeUnit: 'year',
    lines: { all: { poor: 21_000_000, nearPoor: 28_000_000 } },
    indicators: CITY_INDICATORS,
    rule: { kind: 'count', cutoff: 3 },
    provisional: true,
  },
  {
    id: 'hcm-2019-2020',
    version: 1,
    standard: 'city',
    nameVi: 'Chuẩn nghèo TP. Hồ Chí Minh 2019–2020 (điều chỉnh)',
    nameEn: 'Ho Chi Minh City poverty standard 2019–2020 (raised)',
    legalSource: CITY_SOURCE,
    incomeUnit: 'year',
    lines: { all: { poor: 28_000_000, nearPoor: 36_000_000 } },
    indicators: CITY_INDICATORS,
    rule: { kind: 'count', cutoff: 3 },
    provisional: true,
  },
];

const literal = (s: string) => `'${s.replace(/'/g, "''")}'`;

/** The INSERT statements of the seed migration, generated from SEED_CRITERIA_SETS (the test compares them). */
export function criteriaSeedSql(sets: CriteriaSet[] = SEED_CRITERIA_SETS): string {
  const rows = sets.map((s) =>
    [
      literal(s.id),
      String(s.version),
      literal(s.standard),
      literal(s.nameVi),
      literal(s.nameEn),
      literal(s.legalSource),
      literal(s.incomeUnit),
      `${literal(JSON.stringify(s.lines))}::jsonb`,
      `${literal(JSON.stringify(s.indicators))}::jsonb`,
      `${literal(JSON.stringify(s.rule))}::jsonb`,
      String(s.provisional),
      literal('seed'),
    ].join(', '),
  );
  return (
    'INSERT INTO "criteria_sets" ("id", "version", "standard", "name_vi", "name_en", "legal_source", "income_unit", "lines", "indicators", "rule", "provisional", "created_by") VALUES\n' +
    rows.map((r) => `  (${r})`).join(',\n') +
    '\nON CONFLICT ("id", "version") DO NOTHING;\n'
  );
}
