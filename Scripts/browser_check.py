#!/usr/bin/env python3
"""Renders HTML reports in headless Chromium and fails when anything is hidden or cut.

    python3 Scripts/browser_check.py REPORT.html [...] [--shots DIR]

For each report, at 390 and 1280 px wide: every table cell and heading must show its whole
content (no element whose content is wider than its box) and stay inside the viewport; printed
to PDF, the page must be A4. The check works on a copy of each file with a script added (the
report's own Content-Security-Policy forbids scripts, and stays). Installs Debian's `chromium`
when it is missing. Screenshots go to --shots when given. Exits 0 when all hold, 1 listing each
fault, 2 when it cannot run.
"""
import argparse, json, os, re, shutil, subprocess, sys, tempfile

PROBE = r"""<script>
(function () {
  var faults = [];
  var width = window.innerWidth;
  document.querySelectorAll('td, th, h1, h2, h3, p, dt, dd, li, figure, svg, .table, .figure').forEach(function (el) {
    var r = el.getBoundingClientRect();
    if (r.width === 0 && r.height === 0) return;
    if (el.scrollWidth > el.clientWidth + 1 && getComputedStyle(el).overflowX !== 'visible') faults.push('hidden: ' + el.tagName + ' ' + el.textContent.slice(0, 40));
    if (el.scrollWidth > el.clientWidth + 1 && (el.tagName === 'TD' || el.tagName === 'TH')) faults.push('wider than its cell: ' + el.textContent.slice(0, 40));
    if (el.classList.contains('table') && el.scrollWidth > el.clientWidth + 1) faults.push('a table wider than its box (' + el.scrollWidth + ' > ' + el.clientWidth + '): ' + el.textContent.slice(0, 40));
    if (r.right > width + 1) faults.push('past the viewport (' + Math.round(r.right) + ' > ' + width + '): ' + el.tagName + ' ' + el.textContent.slice(0, 40));
  });
  if (document.documentElement.scrollWidth > width + 1) faults.push('the page scrolls sideways (' + document.documentElement.scrollWidth + ' > ' + width + ')');
  var out = document.createElement('pre'); out.id = 'browser-check'; out.textContent = JSON.stringify(faults);
  document.body.appendChild(out);
})();
</script>"""


def chromium():
    for name in ("chromium", "chromium-browser", "google-chrome"):
        if shutil.which(name):
            return shutil.which(name)
    prefix = [] if os.geteuid() == 0 else ["sudo"]
    subprocess.run(prefix + ["apt-get", "update", "-qq"], check=True)
    subprocess.run(prefix + ["apt-get", "install", "-y", "-qq", "chromium"], check=True)
    return shutil.which("chromium")


def run(browser, *args):
    return subprocess.run([browser, "--headless=new", "--no-sandbox", "--disable-gpu", "--hide-scrollbars", *args],
                          capture_output=True, text=True, timeout=120)


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("reports", nargs="+")
    parser.add_argument("--shots")
    args = parser.parse_args()
    browser = chromium()
    if not browser:
        print("error: no chromium", file=sys.stderr)
        return 2
    faults = []
    work = tempfile.mkdtemp()
    for report in args.reports:
        html = open(report, encoding="utf-8").read()
        probe = re.sub(r'<meta http-equiv="Content-Security-Policy"[^>]*>', "", html).replace("</body>", PROBE + "</body>")
        copy = os.path.join(work, os.path.basename(report))
        open(copy, "w", encoding="utf-8").write(probe)
        name = os.path.splitext(os.path.basename(report))[0]
        for width in (390, 1280):
            dom = run(browser, f"--window-size={width},900", "--virtual-time-budget=3000", "--dump-dom", "file://" + copy).stdout
            found = re.search(r'<pre id="browser-check">(.*?)</pre>', dom, re.S)
            if not found:
                faults.append(f"{report} at {width} px: the check did not run")
                continue
            for fault in json.loads(found.group(1).replace("&lt;", "<").replace("&gt;", ">").replace("&amp;", "&").replace("&quot;", '"')):
                faults.append(f"{report} at {width} px: {fault}")
            if args.shots:
                os.makedirs(args.shots, exist_ok=True)
                run(browser, f"--window-size={width},2400", f"--screenshot={os.path.join(args.shots, f'{name}-{width}.png')}", "file://" + os.path.abspath(report))
        pdf = os.path.join(args.shots or work, f"{name}.pdf")
        run(browser, "--no-pdf-header-footer", f"--print-to-pdf={pdf}", "file://" + os.path.abspath(report))
        boxes = re.findall(rb"/MediaBox\s*\[\s*0\s+0\s+([\d.]+)\s+([\d.]+)\s*\]", open(pdf, "rb").read())
        if not boxes:
            faults.append(f"{report}: no PDF page")
        for w, h in set(boxes):
            if abs(float(w) - 595.28) > 2 or abs(float(h) - 841.89) > 2:
                faults.append(f"{report}: a PDF page is {float(w):.0f} x {float(h):.0f} pt, not A4 (595 x 842)")
    for fault in faults:
        print(fault)
    print(f"{'ok' if not faults else 'FAULTS'}: {len(args.reports)} report(s) at 390 and 1280 px and on A4, {len(faults)} fault(s)")
    return 1 if faults else 0


if __name__ == "__main__":
    sys.exit(main())
