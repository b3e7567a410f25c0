/** Issue 9 item 6 at the sizes: test/api/faults-limits.test.ts run with SHN_FAULTS=full. */
import '../api/faults-limits.test.ts';
