/** Issue 9 item 7 at the sizes: test/api/faults-injection.test.ts run with SHN_FAULTS=full. */
import '../api/faults-injection.test.ts';
