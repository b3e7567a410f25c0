/** Issue 13 (faults item 10, data protection) at full size: test/api/faults-protection*.test.ts run with SHN_FAULTS=full. */
import '../api/faults-protection.test.ts';
import '../api/faults-protection-import.test.ts';
import '../api/faults-protection-uploads.test.ts';
