// 登记辅助：登记员输入时，向 /work/register/assist 询问分类建议、风险词和
// 信访人既往事项（同一事项标出），显示在表单旁的“登记辅助”面板中。
(function () {
  "use strict";
  var form = document.querySelector("form[data-assist]");
  var panel = document.getElementById("assist");
  if (!form || !panel) { return; }
  var csrf = form.querySelector("input[name=csrf]").value;
  var timer = null;
  var seq = 0;
  function val(name) {
    var el = form.querySelector("[name=" + name + "]");
    return el ? el.value : "";
  }
  function text(tag, s, cls) {
    var el = document.createElement(tag);
    el.textContent = s;
    if (cls) { el.className = cls; }
    return el;
  }
  function render(a) {
    panel.innerHTML = "";
    panel.appendChild(text("h3", "登记辅助"));
    var ul = document.createElement("ul");
    a.problems.forEach(function (p) { ul.appendChild(text("li", p, "err")); });
    var s = a.suggestions;
    var kinds = { claim: "申诉求决类", suggestion: "建议意见类", accusation: "检举控告类" };
    // Every suggestion is one click to apply: a button puts it into its field.
    function suggestion(label, field, value) {
      var li = text("li", label);
      var target = document.getElementById(field);
      if (target && value && target.value !== value) {
        var b = text("button", "采用", "link apply");
        b.type = "button";
        b.setAttribute("data-apply", field);
        b.setAttribute("data-value", value);
        b.setAttribute("aria-label", "采用" + label);
        li.appendChild(document.createTextNode(" "));
        li.appendChild(b);
      } else if (target && value) {
        li.appendChild(text("span", "（已采用）", "muted"));
      }
      return li;
    }
    if (s.kind) { ul.appendChild(suggestion("建议类型：" + (kinds[s.kind[0]] || s.kind[0]) + "（" + Math.round(s.kind[1] * 100) + "%）", "kind", s.kind[0])); }
    if (s.category) { ul.appendChild(suggestion("建议分类：" + s.category[0] + "（" + Math.round(s.category[1] * 100) + "%）", "category", s.category_code)); }
    if (s.body) { ul.appendChild(text("li", "可能的有权处理机关：" + s.body[1] + "（转送时预选）")); }
    if (s.litigation) { ul.appendChild(text("li", "疑似涉法涉诉（诉访分离，第二十八条）：" + s.litigation_cues.join("、"), "err")); }
    a.risk_terms.forEach(function (r) { ul.appendChild(text("li", "风险词：" + r.term + "（" + r.category + "，" + r.level_label + "）", "err")); });
    panel.appendChild(ul);
    if (a.prior.length) {
      panel.appendChild(text("h4", "该信访人既往事项"));
      var list = document.createElement("ul");
      list.id = "assist-prior";
      a.prior.forEach(function (p) {
        var li = document.createElement("li");
        var link = text("a", p.case_no);
        link.href = "/work/cases/" + encodeURIComponent(p.case_no);
        li.appendChild(link);
        li.appendChild(document.createTextNode(" " + p.registered_on + " " + p.status + "：" + p.request));
        if (p.same_matter) {
          li.appendChild(text("strong", p.outcome || "同一事项", "same"));
          if (p.basis) { li.appendChild(text("span", "判定依据：" + p.basis, "same-basis")); }
          var why = document.getElementById("new-matter");
          if (why) { why.hidden = false; }
        }
        list.appendChild(li);
      });
      panel.appendChild(list);
    }
  }
  function ask() {
    var mine = ++seq;
    var body = {
      name: val("name0"), id_number: val("id0"), phone: val("phone0"), address: val("addr0"),
      request: val("request"), facts: val("facts"), reasons: val("reasons"),
      region_code: val("region_code")
    };
    fetch("/work/register/assist", {
      method: "POST",
      headers: { "Content-Type": "application/json", "X-CSRF-Token": csrf },
      body: JSON.stringify(body),
      credentials: "same-origin"
    }).then(function (r) { return r.ok ? r.json() : null; })
      .then(function (a) { if (a && mine === seq) { render(a); } })
      .catch(function () { /* 辅助失败不影响登记 */ });
  }
  function later() {
    clearTimeout(timer);
    timer = setTimeout(ask, 350);
  }
  form.addEventListener("input", later);
  // A select changed, or a suggestion applied (console.js fires "change").
  form.addEventListener("change", later);
})();
// 来信识别（issue #22）：选择扫描件后发往 /work/register/read，识别结果预填
// 表单；把握不大的字段标黄，扫描件和识别出的文字显示在表单旁。扫描件随表单
// 提交，登记后作为附件保存。
(function () {
  "use strict";
  var form = document.querySelector("form[data-assist]");
  var input = document.getElementById("scan");
  if (!form || !input) { return; }
  var csrf = form.querySelector("input[name=csrf]").value;
  var status = document.getElementById("scan-status");
  var view = document.getElementById("scan-view");
  var frame = document.getElementById("scan-frame");
  var img = document.getElementById("scan-img");
  var list = document.getElementById("scan-lines");
  var LOW = 0.85;
  var url = null;
  // Form field of each proposed field.
  var targets = { name: "name0", id_number: "id0", phone: "phone0", address: "addr0",
    request: "request", facts: "facts", accused: "accused_person" };
  function clearMarks() {
    form.querySelectorAll(".low-conf").forEach(function (el) { el.classList.remove("low-conf"); });
    frame.querySelectorAll(".ocr-box").forEach(function (el) { el.remove(); });
    list.innerHTML = "";
  }
  function box(b, page, low) {
    if (!page || b.page !== 0) { return; }
    var d = document.createElement("div");
    d.className = low ? "ocr-box low" : "ocr-box";
    d.style.left = (100 * b.box[0] / page.width) + "%";
    d.style.top = (100 * b.box[1] / page.height) + "%";
    d.style.width = (100 * (b.box[2] - b.box[0]) / page.width) + "%";
    d.style.height = (100 * (b.box[3] - b.box[1]) / page.height) + "%";
    frame.appendChild(d);
  }
  function fill(r) {
    clearMarks();
    var page = r.pages[0];
    var fields = r.registration.fields;
    var filled = 0;
    Object.keys(targets).forEach(function (k) {
      var f = fields[k];
      var el = document.getElementById(targets[k]) || form.querySelector("[name=" + targets[k] + "]");
      if (!f || !el) { return; }
      if (!el.value) { el.value = f.value; filled++; }
      var low = f.confidence < LOW;
      if (low) {
        el.classList.add("low-conf");
        el.title = "识别把握 " + Math.round(f.confidence * 100) + "%，请对照原件核对";
      }
      f.boxes.forEach(function (b) { box(b, page, low); });
    });
    var channel = document.getElementById("channel");
    if (channel) { channel.value = "letter"; }
    r.lines.forEach(function (l) {
      var li = document.createElement("li");
      li.textContent = l.text;
      if (l.confidence < LOW) { li.className = "low-conf"; }
      list.appendChild(li);
    });
    var notes = r.registration.problems.slice();
    status.textContent = "已识别 " + r.lines.length + " 行（" + r.seconds + " 秒），预填 " + filled +
      " 个字段。标黄的字段请对照原件核对。" + (notes.length ? " " + notes.join("；") : "");
    form.dispatchEvent(new Event("input"));
  }
  input.addEventListener("change", function () {
    var file = input.files && input.files[0];
    if (url) { URL.revokeObjectURL(url); url = null; }
    var heldNote = document.getElementById("scan-held-note");
    if (heldNote) { heldNote.remove(); }
    document.getElementById("scan-text").hidden = false;
    clearMarks();
    if (!file) { view.hidden = true; return; }
    if (file.type !== "application/pdf") {
      url = URL.createObjectURL(file);
      img.src = url;
      img.hidden = false;
    } else {
      img.hidden = true;
    }
    view.hidden = false;
    status.textContent = "正在识别来信，请稍候……";
    var body = new FormData();
    body.append("file", file);
    fetch("/work/register/read", {
      method: "POST",
      headers: { "X-CSRF-Token": csrf },
      body: body,
      credentials: "same-origin"
    }).then(function (r) {
      return r.json().then(function (j) { return { ok: r.ok, j: j }; });
    }).then(function (x) {
      if (x.ok) { fill(x.j); return; }
      var e = (x.j.errors || []).map(function (m) { return m.message; }).join("；");
      status.textContent = "未能识别：" + (e || "请手工录入");
    }).catch(function () { status.textContent = "识别失败，请手工录入。"; });
  });
})();
