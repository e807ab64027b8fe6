/**
 * Entry of `pnpm bench:checker`: runs {@link checkerBenchMain} with the process arguments.
 */
import { checkerBenchMain } from './checker-bench.js';

process.exitCode = checkerBenchMain(process.argv.slice(2));
