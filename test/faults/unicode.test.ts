/** Issue 9 item 8 at the sizes: test/api/faults-unicode.test.ts run with SHN_FAULTS=full. */
import '../api/faults-unicode.test.ts';
