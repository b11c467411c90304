// Renders /api/v1/openapi.json as a readable reference: no framework, no inline code (CSP).
"use strict";

(function () {
  const DOC_URL = "/api/v1/openapi.json";

  function el(tag, attrs, ...children) {
    const node = document.createElement(tag);
    for (const [key, value] of Object.entries(attrs || {})) {
      if (key === "class") node.className = value;
      else node.setAttribute(key, value);
    }
    for (const child of children) {
      if (child === null || child === undefined) continue;
      node.append(child instanceof Node ? child : document.createTextNode(String(child)));
    }
    return node;
  }

  // A little markdown: paragraphs, `code` and **bold**, all as text nodes.
  function prose(text) {
    const box = el("div");
    for (const block of String(text || "").split(/\n\s*\n/)) {
      const p = el("p");
      for (const part of block.replace(/\n/g, " ").split(/(`[^`]+`|\*\*[^*]+\*\*)/)) {
        if (part.startsWith("`") && part.endsWith("`")) p.append(el("code", null, part.slice(1, -1)));
        else if (part.startsWith("**")) p.append(el("strong", null, part.slice(2, -2)));
        else if (part) p.append(part);
      }
      box.append(p);
    }
    return box;
  }

  function resolve(doc, schema) {
    let seen = 0;
    while (schema && schema.$ref && seen++ < 10) {
      const path = schema.$ref.replace(/^#\//, "").split("/");
      schema = path.reduce((node, key) => (node ? node[key] : undefined), doc);
    }
    return schema || {};
  }

  function typeOf(doc, schema) {
    if (!schema) return "";
    if (schema.$ref) return schema.$ref.split("/").pop();
    if (schema.anyOf) return schema.anyOf.map((s) => typeOf(doc, s)).join(" | ");
    if (schema.enum) return schema.enum.map((v) => JSON.stringify(v)).join(" | ");
    if (schema.type === "array") return typeOf(doc, schema.items) + "[]";
    let type = schema.type || "any";
    if (schema.format) type += " (" + schema.format + ")";
    return type;
  }

  function fields(doc, schema) {
    schema = resolve(doc, schema);
    const list = el("ul", { class: "api-fields" });
    const required = new Set(schema.required || []);
    for (const [name, prop] of Object.entries(schema.properties || {})) {
      list.append(el("li", null, el("code", null, name), " ", el("span", { class: "muted" }, typeOf(doc, prop)),
        required.has(name) ? el("span", { class: "req" }, " required") : null,
        prop.description ? " — " + prop.description : null));
    }
    return list;
  }

  function parameters(doc, op) {
    const rows = (op.parameters || []).map((p) => resolve(doc, p));
    if (!rows.length) return null;
    const list = el("ul", { class: "api-fields" });
    for (const p of rows) {
      list.append(el("li", null, el("code", null, p.name), " ", el("span", { class: "muted" }, p.in + ", " + typeOf(doc, p.schema)),
        p.required ? el("span", { class: "req" }, " required") : null, p.description ? " — " + p.description : null));
    }
    return el("div", null, el("h4", null, "Parameters"), list);
  }

  function requestBody(doc, op) {
    if (!op.requestBody) return null;
    const [type, media] = Object.entries(op.requestBody.content)[0];
    const name = media.schema && media.schema.$ref ? media.schema.$ref.split("/").pop() : type;
    return el("div", null, el("h4", null, "Body: ", el("code", null, name), " ", el("span", { class: "muted" }, type)),
      fields(doc, media.schema));
  }

  function responses(doc, op) {
    const list = el("ul", { class: "api-fields" });
    for (const [status, raw] of Object.entries(op.responses || {})) {
      const response = resolve(doc, raw);
      const types = Object.entries(response.content || {}).map(([t, m]) => t + (m.schema && m.schema.$ref ? " " + m.schema.$ref.split("/").pop() : ""));
      list.append(el("li", null, el("code", null, status), " ", response.description || "", " ", el("span", { class: "muted" }, types.join(", "))));
    }
    return el("div", null, el("h4", null, "Responses"), list);
  }

  function render(doc) {
    const intro = document.getElementById("api-intro");
    intro.replaceChildren(el("h2", null, doc.info.title + " " + doc.info.version), prose(doc.info.description));
    const toc = document.getElementById("api-toc");
    const box = document.getElementById("api-operations");
    toc.replaceChildren(el("h2", null, "Operations"));
    box.replaceChildren();
    const byTag = new Map((doc.tags || []).map((t) => [t.name, { tag: t, ops: [] }]));
    for (const [path, methods] of Object.entries(doc.paths)) {
      for (const [method, op] of Object.entries(methods)) {
        const tag = (op.tags || ["Other"])[0];
        if (!byTag.has(tag)) byTag.set(tag, { tag: { name: tag }, ops: [] });
        byTag.get(tag).ops.push({ path, method, op });
      }
    }
    for (const { tag, ops } of byTag.values()) {
      const tocList = el("ul");
      toc.append(el("div", { class: "api-toc-group" }, el("strong", null, tag.name), tocList));
      box.append(el("h2", { id: "tag-" + tag.name.replace(/\W+/g, "-") }, tag.name), tag.description ? el("p", { class: "muted" }, tag.description) : null);
      for (const { path, method, op } of ops) {
        const id = "op-" + op.operationId;
        tocList.append(el("li", null, el("a", { href: "#" + id }, method.toUpperCase() + " " + path)));
        box.append(el("section", { class: "card api-op", id },
          el("h3", null, el("span", { class: "api-method " + method }, method.toUpperCase()), el("code", null, "/api/v1" + path), el("span", null, op.summary)),
          prose(op.description), parameters(doc, op), requestBody(doc, op), responses(doc, op)));
      }
    }
    const schemas = el("section", { class: "card" }, el("h2", { id: "schemas" }, "Schemas"));
    for (const [name, schema] of Object.entries(doc.components.schemas)) {
      schemas.append(el("h3", { id: "schema-" + name }, name), schema.description ? el("p", null, schema.description) : null,
        schema.enum ? el("p", null, el("code", null, schema.enum.join(", "))) : fields(doc, schema));
    }
    box.append(schemas);
    if (location.hash) {
      const target = document.getElementById(location.hash.slice(1));
      if (target) target.scrollIntoView();
    }
  }

  fetch(DOC_URL, { headers: { Accept: "application/json" } })
    .then((response) => {
      if (!response.ok) throw new Error("HTTP " + response.status);
      return response.json();
    })
    .then(render)
    .catch((error) => {
      document.getElementById("api-intro").replaceChildren(el("p", { class: "flash flash-error" }, "The API description could not be loaded: " + error.message));
    });
})();
