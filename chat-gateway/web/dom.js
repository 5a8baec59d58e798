// Builds DOM elements. Text always goes in as text nodes, never as HTML, so nothing a user
// or the model wrote can become markup.

/**
 * `el('li', {class: 'x', 'data-testid': 'y'}, 'text', child)`: an element with attributes
 * (`class`, `text` for textContent, `true` for a bare attribute, null/false skipped) and children.
 */
export function el(tag, attrs = {}, ...children) {
  const node = document.createElement(tag);
  for (const [name, value] of Object.entries(attrs)) {
    if (value === null || value === undefined || value === false) continue;
    if (name === 'class') node.className = value;
    else if (name === 'text') node.textContent = value;
    else node.setAttribute(name, value === true ? '' : String(value));
  }
  node.append(...children);
  return node;
}
