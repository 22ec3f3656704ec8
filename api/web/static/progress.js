// Live progress of a plan: poll the job's status and open the result when it ends.
// Without this script the page refreshes itself every two seconds instead.
(function () {
  const box = document.getElementById("job-progress");
  if (!box) return;
  const statusUrl = box.dataset.statusUrl;
  const resultUrl = box.dataset.resultUrl;
  const field = (name) => box.querySelector('[data-field="' + name + '"]');
  const labels = { queued: "Queued", running: "Planning" };

  async function poll() {
    try {
      const response = await fetch(statusUrl, { headers: { Accept: "application/json" } });
      if (response.ok) {
        const job = await response.json();
        if (job.terminal) {
          window.location.assign(resultUrl);
          return;
        }
        const progress = job.progress || {};
        field("status").textContent = labels[job.status] || job.status;
        field("phase").textContent = progress.phase || "waiting for a worker";
        const parts = [];
        if (job.elapsed_seconds !== null) parts.push(job.elapsed_seconds.toFixed(1) + " s so far");
        if (progress.objective !== undefined && progress.objective !== null)
          parts.push("best so far " + Math.round(progress.objective).toLocaleString("en-GB"));
        field("detail").textContent = parts.join("; ");
      }
    } catch (error) {
      // a missed poll is retried on the next tick
    }
    window.setTimeout(poll, 500);
  }
  poll();
})();
