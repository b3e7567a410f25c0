/** Issue 9 item 5 at the sizes: test/api/faults-access.test.ts run with SHN_FAULTS=full. */
import '../api/faults-access.test.ts';
