/**
 * Why a whole file is refused (the import ends `failed` with one of these). Each has a stable code and a vi/en
 * message; row-level problems are ImportError rows instead.
 */
import type { AppError, Message } from '../../errors.ts';

export interface ImportFailure {
  code: string;
  message: Message;
}

export class ImportFailureError extends Error {
  constructor(public readonly failure: ImportFailure) {
    super(failure.message.en);
    this.name = 'ImportFailureError';
  }
}

/** An AppError raised while validating or committing, kept as the import's failure with its own code and message. */
export const failureOf = (err: AppError): ImportFailure => ({ code: err.code, message: err.messages });

const f = (code: string, vi: string, en: string): ImportFailure => ({ code, message: { vi, en } });

export const failures = {
  notXlsx: () => f('NOT_XLSX', 'Tệp không phải bảng tính Excel .xlsx (tệp .xls cũ hoặc có mật khẩu cần lưu lại thành .xlsx)', 'The file is not an Excel .xlsx workbook (save old .xls or password-protected files as .xlsx)'),
  zipCorrupt: () => f('ZIP_CORRUPT', 'Tệp .xlsx bị hỏng hoặc tải lên không trọn vẹn', 'The .xlsx file is damaged or was not uploaded completely'),
  tooManyEntries: (max: number) => f('ZIP_TOO_MANY_ENTRIES', `Tệp chứa quá nhiều thành phần (tối đa ${max})`, `The file holds too many parts (at most ${max})`),
  tooLarge: (mb: number) => f('ZIP_TOO_LARGE', `Nội dung giải nén vượt quá ${mb} MB`, `The unpacked content exceeds ${mb} MB`),
  zipBomb: () => f('ZIP_BOMB', 'Tệp có tỉ lệ nén bất thường (nghi là "bom nén"); không xử lý', 'The file has an abnormal compression ratio (a suspected zip bomb); refused'),
  tooManyRows: (max: number) => f('TOO_MANY_ROWS', `Bảng tính có quá nhiều dòng (tối đa ${max.toLocaleString('vi-VN')}); hãy chia thành nhiều tệp`, `The workbook has too many rows (at most ${max}); split it into several files`),
  unsafeValidation: () =>
    f('UNSAFE_DATA_VALIDATION', 'Bảng tính có ràng buộc dữ liệu (danh sách chọn) áp cho cả cột; hãy giới hạn theo số dòng thực tế', 'The workbook has data validation on whole columns; limit it to the rows in use'),
  misplacedSheet: () => f('ZIP_MISPLACED_SHEET', 'Tệp có trang tính nằm sai chỗ trong gói .xlsx (tệp bị sửa tay hoặc hỏng); hãy mở bằng Excel và lưu lại', 'The file has a worksheet in the wrong place inside the .xlsx package (edited by hand or damaged); open it in Excel and save it again'),
  noHouseholdSheet: () => f('NO_HOUSEHOLD_SHEET', 'Không tìm thấy trang "Hộ" có dòng tiêu đề (trong 10 dòng đầu) gồm ít nhất cột "Mã hộ"', 'No "Hộ" sheet with a header row (within the first 10 rows) containing at least "Mã hộ"'),
  missingColumns: (labels: string[]) => f('MISSING_COLUMNS', `Thiếu cột: ${labels.join(', ')}`, `Missing columns: ${labels.join(', ')}`),
  outOfMemory: (mb: number) => f('PARSE_OUT_OF_MEMORY', `Đọc tệp vượt giới hạn bộ nhớ ${mb} MB; hãy chia thành nhiều tệp`, `Reading the file exceeded the ${mb} MB memory limit; split it into several files`),
  timeout: (s: number) => f('PARSE_TIMEOUT', `Đọc tệp quá ${s} giây; hãy chia thành nhiều tệp`, `Reading the file took longer than ${s} seconds; split it into several files`),
  parserCrashed: () => f('PARSE_FAILED', 'Không đọc được tệp bảng tính', 'The workbook could not be read'),
  interrupted: () => f('INTERRUPTED', 'Máy chủ khởi động lại khi đang xử lý; hãy tải tệp lên lại', 'The server restarted while processing; upload the file again'),
};
