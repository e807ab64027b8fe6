const { benchMain } = await import('/work/main/packages/bench/src/cli.ts');
process.exitCode = await benchMain(process.argv.slice(2));
