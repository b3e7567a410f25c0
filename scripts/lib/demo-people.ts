/**
 * Synthetic people for the demo district: Vietnamese names assembled from common syllables, street addresses in
 * Quận 12's naming style, and ID numbers that cannot belong to anyone (CCCD numbers start with a province code
 * 001–096; '000' is no province, Decree 137/2015/NĐ-CP annex), so no real person is ever represented.
 */
import type { Random } from './demo-random.ts';
import type { Member } from '../../server/domain/households/rules.ts';

export type Sex = Member['sex'];

/** Members as the registry stores them (relation as the ward forms write it: Chủ hộ, Vợ, Chồng, Con, Cha/Mẹ, Cháu). */
export type DemoMember = Member;

/** Family names weighted roughly by their frequency in the South. */
const FAMILY: Record<string, number> = {
  Nguyễn: 36, Trần: 11, Lê: 9, Phạm: 7, Huỳnh: 5, Võ: 4, Phan: 4, Trương: 2, Đặng: 2, Bùi: 2, Đỗ: 1.5,
  Hồ: 1.5, Ngô: 1.3, Dương: 1, Lý: 0.8, Lâm: 0.8, Đinh: 0.6, Tô: 0.5, Mai: 0.5, Châu: 0.4,
};
const MIDDLE: Record<Sex, string[]> = {
  male: ['Văn', 'Văn', 'Văn', 'Hữu', 'Minh', 'Quốc', 'Thanh', 'Công', 'Hoàng', 'Đức', 'Tấn', 'Ngọc'],
  female: ['Thị', 'Thị', 'Thị', 'Ngọc', 'Thu', 'Kim', 'Thanh', 'Mỹ', 'Bích', 'Hồng', 'Thuỳ', 'Phương'],
};
const GIVEN: Record<Sex, string[]> = {
  male: ['Hùng', 'Dũng', 'Tuấn', 'Minh', 'Hải', 'Nam', 'Phúc', 'Long', 'Sơn', 'Tâm', 'Thành', 'Trung', 'Khoa', 'Bảo',
    'Huy', 'Phong', 'Tài', 'Lộc', 'Hiếu', 'Quang', 'Cường', 'Đạt', 'Vinh', 'Hoà', 'Tùng', 'Kiệt', 'Nhân', 'Thắng'],
  female: ['Lan', 'Hoa', 'Hương', 'Mai', 'Linh', 'Trang', 'Thảo', 'Nga', 'Hạnh', 'Yến', 'Phương', 'Dung', 'Hằng',
    'Loan', 'Nhung', 'Tuyết', 'Vân', 'Hồng', 'Thuỷ', 'Ngân', 'Trinh', 'Diễm', 'Oanh', 'Châu', 'Cúc', 'Liên'],
};

export function personName(rng: Random, sex: Sex, family?: string): string {
  return `${family ?? rng.weighted(FAMILY)} ${rng.pick(MIDDLE[sex])} ${rng.pick(GIVEN[sex])}`;
}

/** Quận 12's streets are numbered per ward with the ward's initials ("đường TX 25"). */
export function streetAddress(rng: Random, wardInitials: string): string {
  const house = rng.int(1, 320);
  const alley = rng.chance(0.6) ? `/${rng.int(1, 60)}` : '';
  return `${house}${alley} đường ${wardInitials} ${rng.int(1, 52)}, khu phố ${rng.int(1, 7)}`;
}

/** Ward initials as used in Quận 12 street names. */
export function wardInitials(wardName: string): string {
  return wardName
    .replace(/^Phường\s+/u, '')
    .split(/\s+/u)
    .map((w) => w[0]!.toUpperCase())
    .join('')
    // Household codes are ASCII (issue 17 item 5): "Đông Hưng Thuận" → "DHT".
    .replace(/Đ/g, 'D');
}

/** Serial ID numbers: 12 digits starting with 000 (not a province code), unique within one generated data set. */
export class IdNumbers {
  private serial = 0;
  next(): string {
    this.serial++;
    return `000${String(this.serial).padStart(9, '0')}`;
  }
}

/**
 * A plausible household: a head, often a spouse, children (some of school age), sometimes an elderly parent or a
 * grandchild. Poorer households are drawn a little larger and older (the pattern of the ward reviews).
 */
export function drawMembers(rng: Random, ids: IdNumbers, surveyYear: number, poorness: number, uninsured: boolean): DemoMember[] {
  const headSex: Sex = rng.chance(0.62) ? 'male' : 'female';
  const family = rng.weighted(FAMILY);
  const headAge = rng.int(24, 62) + (rng.chance(0.15 + poorness * 0.2) ? rng.int(10, 22) : 0);
  const members: DemoMember[] = [];
  const add = (name: string, age: number, sex: Sex, relation: string) => {
    members.push({
      name,
      birthYear: surveyYear - age,
      sex,
      relation,
      idNumber: age >= 14 ? ids.next() : null,
      hasHealthInsurance: true,
      inSchool: age >= 5 && age < 23 && rng.chance(age < 15 ? 0.95 : 0.55),
    });
  };
  add(`${family} ${rng.pick(MIDDLE[headSex])} ${rng.pick(GIVEN[headSex])}`, headAge, headSex, 'Chủ hộ');
  if (rng.chance(0.72)) {
    const sex: Sex = headSex === 'male' ? 'female' : 'male';
    add(personName(rng, sex), Math.max(20, headAge + rng.int(-6, 4)), sex, sex === 'female' ? 'Vợ' : 'Chồng');
  }
  const children = headAge < 70 ? rng.int(0, 3) + (rng.chance(poorness * 0.4) ? 1 : 0) : 0;
  for (let i = 0; i < children; i++) {
    const sex: Sex = rng.chance(0.5) ? 'male' : 'female';
    const age = Math.max(0, headAge - rng.int(20, 34));
    add(`${family} ${rng.pick(MIDDLE[sex])} ${rng.pick(GIVEN[sex])}`, age, sex, 'Con');
  }
  if (headAge < 50 && rng.chance(0.18)) {
    const sex: Sex = rng.chance(0.6) ? 'female' : 'male';
    add(personName(rng, sex), headAge + rng.int(22, 32), sex, sex === 'female' ? 'Mẹ' : 'Cha');
  }
  if (headAge >= 55 && rng.chance(0.35)) {
    const sex: Sex = rng.chance(0.5) ? 'male' : 'female';
    add(`${family} ${rng.pick(MIDDLE[sex])} ${rng.pick(GIVEN[sex])}`, rng.int(1, 16), sex, 'Cháu');
  }
  // Health insurance is a household trait here: the registry derives the health_insurance deprivation from any
  // uninsured member aged 6+ (Decision 59 Art. 1 cl. 2), so one uninsured adult makes it hold in every round.
  const spouse = members[1]?.relation === 'Vợ' || members[1]?.relation === 'Chồng';
  if (uninsured) members[spouse && rng.chance(0.5) ? 1 : 0]!.hasHealthInsurance = false;
  return members;
}
