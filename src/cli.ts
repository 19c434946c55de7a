// Headless entry: the same core as the extension, without VS Code (`trilium-sync`).
async function main(argv: string[]): Promise<number> {
  process.stderr.write(`trilium-sync: not implemented yet (${argv.join(' ')})\n`);
  return 2;
}

main(process.argv.slice(2)).then((code) => process.exit(code));
