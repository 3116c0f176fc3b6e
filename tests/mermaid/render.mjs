// Render Mermaid charts with the real library in headless Chromium.
// stdin: a JSON list of chart texts. stdout: a JSON list of
// {"error": string|null, "labels": [text drawn in the SVG]} in the same order.
// $MERMAID_PACKAGE names the npm package to load (default `mermaid`).
import { readFileSync } from "node:fs";
import { dirname, join } from "node:path";
import { fileURLToPath, pathToFileURL } from "node:url";
import { chromium } from "playwright-core";

const here = dirname(fileURLToPath(import.meta.url));
const charts = JSON.parse(readFileSync(0, "utf8"));
const browser = await chromium.launch({
  executablePath: process.env.CHROMIUM || "/usr/bin/chromium",
  args: ["--no-sandbox", "--disable-gpu", "--disable-background-networking", "--disable-component-update",
    "--disable-sync", "--no-first-run", "--disable-quic"],
});
try {
  const page = await browser.newPage();
  await page.setContent("<!doctype html><html><body></body></html>");
  const release = process.env.MERMAID_PACKAGE || "mermaid"; // or an older one, see package.json
  await page.addScriptTag({ path: join(here, "node_modules", release, "dist", "mermaid.min.js") });
  const results = await page.evaluate(async (texts) => {
    mermaid.initialize({ startOnLoad: false, securityLevel: "strict" });
    const out = [];
    let n = 0;
    for (const text of texts) {
      try {
        await mermaid.parse(text);
        const { svg } = await mermaid.render(`chart${n++}`, text);
        const doc = new DOMParser().parseFromString(svg, "image/svg+xml");
        const labels = [...doc.querySelectorAll("text")].map((t) => t.textContent.trim()).filter((t) => t);
        out.push({ error: null, labels });
      } catch (err) {
        out.push({ error: String(err && err.message ? err.message : err), labels: [] });
      }
    }
    return out;
  }, charts);
  process.stdout.write(JSON.stringify(results));
} finally {
  await browser.close();
}
