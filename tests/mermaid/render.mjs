// Render Mermaid charts with the real library in headless Chromium.
// stdin: a JSON list of chart texts. stdout: a JSON list of
// {"error": string|null, "labels": [text drawn in the SVG], "today": whether a
// today marker is drawn inside the chart, "clipped": [labels drawn (partly)
// outside the chart]} in the same order. The chart is laid out in a
// 800-pixel-wide page whose clock reads $MERMAID_TODAY (YYYY-MM-DD) when set.
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
  const page = await browser.newPage({ viewport: { width: 800, height: 800 } });
  if (process.env.MERMAID_TODAY) await page.clock.setFixedTime(`${process.env.MERMAID_TODAY}T12:00:00`);
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
        const holder = document.createElement("div");
        holder.innerHTML = svg;
        document.body.appendChild(holder);
        const drawn = holder.querySelector("svg");
        const box = drawn.getBoundingClientRect();
        const texts = [...drawn.querySelectorAll("text")].filter((t) => t.textContent.trim());
        const labels = texts.map((t) => t.textContent.trim());
        const clipped = texts
          .filter((t) => {
            const r = t.getBoundingClientRect();
            return r.left < box.left - 0.5 || r.right > box.right + 0.5;
          })
          .map((t) => t.textContent.trim());
        const marker = drawn.querySelector("line.today");
        const line = marker && marker.getBoundingClientRect();
        const today = line !== null && line.left >= box.left && line.right <= box.right;
        holder.remove();
        out.push({ error: null, labels, today, clipped });
      } catch (err) {
        out.push({ error: String(err && err.message ? err.message : err), labels: [], today: false, clipped: [] });
      }
    }
    return out;
  }, charts);
  process.stdout.write(JSON.stringify(results));
} finally {
  await browser.close();
}
