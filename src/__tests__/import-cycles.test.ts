/**
 * No import cycle anywhere in `src/`: every `import`, `import type`,
 * `export … from`, `import x = require()` and dynamic `import()` between two
 * modules of `src/` counts, type-only ones included (a cycle of types is still
 * two modules that cannot be read apart). The imports are read with the
 * TypeScript compiler's own parser, not with a pattern.
 */
import { readdirSync, readFileSync } from 'node:fs'
import { dirname, join, relative, resolve } from 'node:path'
import ts from 'typescript'

const SRC = resolve(__dirname, '..')

/** Every module specifier a file names, in order. */
function specifiersOf(fileName: string, text: string): string[] {
  const file = ts.createSourceFile(fileName, text, ts.ScriptTarget.Latest, false, ts.ScriptKind.TS)
  const found: string[] = []
  const visit = (node: ts.Node): void => {
    if ((ts.isImportDeclaration(node) || ts.isExportDeclaration(node)) && node.moduleSpecifier) {
      if (ts.isStringLiteral(node.moduleSpecifier)) found.push(node.moduleSpecifier.text)
    } else if (ts.isImportEqualsDeclaration(node) && ts.isExternalModuleReference(node.moduleReference)) {
      const expression = node.moduleReference.expression
      if (ts.isStringLiteral(expression)) found.push(expression.text)
    } else if (
      ts.isCallExpression(node) &&
      node.expression.kind === ts.SyntaxKind.ImportKeyword &&
      node.arguments.length === 1 &&
      ts.isStringLiteral(node.arguments[0])
    ) {
      found.push(node.arguments[0].text)
    } else if (ts.isImportTypeNode(node) && ts.isLiteralTypeNode(node.argument)) {
      const literal = node.argument.literal
      if (ts.isStringLiteral(literal)) found.push(literal.text)
    }
    ts.forEachChild(node, visit)
  }
  visit(file)
  return found
}

/** The module a relative specifier names among `modules` (`./x` → `x.ts` or `x/index.ts`); undefined for packages. */
function resolveSpecifier(from: string, specifier: string, modules: ReadonlySet<string>): string | undefined {
  if (!specifier.startsWith('.')) return undefined
  const base = join(dirname(from), specifier)
  return [`${base}.ts`, join(base, 'index.ts'), base].find((candidate) => modules.has(candidate))
}

/** Module → the modules it imports, for files given as path → text. */
function importGraph(files: ReadonlyMap<string, string>): Map<string, string[]> {
  const modules = new Set(files.keys())
  const graph = new Map<string, string[]>()
  for (const [path, text] of files) {
    const targets = specifiersOf(path, text)
      .map((specifier) => resolveSpecifier(path, specifier, modules))
      .filter((target): target is string => target !== undefined)
    graph.set(path, [...new Set(targets)])
  }
  return graph
}

/** Each cycle once, as the modules along it (Tarjan's strongly connected components, then one path through each). */
function findCycles(graph: ReadonlyMap<string, readonly string[]>): string[][] {
  const index = new Map<string, number>()
  const low = new Map<string, number>()
  const onStack = new Set<string>()
  const stack: string[] = []
  const components: string[][] = []
  let next = 0
  const connect = (node: string): void => {
    index.set(node, next)
    low.set(node, next++)
    stack.push(node)
    onStack.add(node)
    for (const target of graph.get(node) ?? []) {
      if (!index.has(target)) {
        connect(target)
        low.set(node, Math.min(low.get(node) ?? 0, low.get(target) ?? 0))
      } else if (onStack.has(target)) {
        low.set(node, Math.min(low.get(node) ?? 0, index.get(target) ?? 0))
      }
    }
    if (low.get(node) !== index.get(node)) return
    const component: string[] = []
    for (;;) {
      const member = stack.pop() as string
      onStack.delete(member)
      component.push(member)
      if (member === node) break
    }
    const selfImport = (graph.get(node) ?? []).includes(node)
    if (component.length > 1 || selfImport) components.push(component)
  }
  for (const node of graph.keys()) if (!index.has(node)) connect(node)
  return components.map((component) => cycleThrough(component, graph))
}

/** A path from the component's first module back to it, inside the component. */
function cycleThrough(component: readonly string[], graph: ReadonlyMap<string, readonly string[]>): string[] {
  const members = new Set(component)
  const start = [...component].sort()[0]
  const cameFrom = new Map<string, string>()
  const queue = [start]
  while (queue.length > 0) {
    const node = queue.shift() as string
    for (const target of graph.get(node) ?? []) {
      if (!members.has(target)) continue
      if (target === start) {
        const path = [node]
        while (path[0] !== start) path.unshift(cameFrom.get(path[0]) as string)
        return [...path, start]
      }
      if (!cameFrom.has(target)) {
        cameFrom.set(target, node)
        queue.push(target)
      }
    }
  }
  return [start, start]
}

function typeScriptFiles(folder: string): string[] {
  return readdirSync(folder, { withFileTypes: true }).flatMap((entry) => {
    const path = join(folder, entry.name)
    if (entry.isDirectory()) return entry.name === 'node_modules' ? [] : typeScriptFiles(path)
    return entry.name.endsWith('.ts') ? [path] : []
  })
}

describe('import cycles', () => {
  it('finds none in src/, type-only imports counted', () => {
    const files = new Map(typeScriptFiles(SRC).map((path) => [path, readFileSync(path, 'utf8')]))
    const graph = importGraph(files)
    // The graph is real: the runner's modules import each other.
    expect(graph.get(join(SRC, 'cli', 'main.ts'))).toContain(join(SRC, 'cli', 'errors.ts'))
    const cycles = findCycles(graph).map((cycle) => cycle.map((path) => relative(SRC, path)).join(' → '))
    expect(cycles).toEqual([])
  })

  it('errors.ts is a leaf: it imports no module of the project', () => {
    const path = join(SRC, 'cli', 'errors.ts')
    expect(importGraph(new Map([[path, readFileSync(path, 'utf8')]])).get(path)).toEqual([])
    expect(specifiersOf(path, readFileSync(path, 'utf8')).filter((specifier) => specifier.startsWith('.'))).toEqual([])
  })

  it('sees every kind of import, type-only ones and re-exports included', () => {
    const files = new Map([
      ['/p/a.ts', "import type { B } from './b'\nexport const a = 1"],
      ['/p/b.ts', "export type { C } from './c/index'\nexport type B = 1"],
      ['/p/c/index.ts', "import d = require('../d')\nexport type C = typeof d"],
      ['/p/d.ts', "export type D = import('./a').A\nexport const e = () => import('./e')"],
      ['/p/e.ts', "import 'node:fs'\nimport { x } from 'some-package'\nexport const y = x"]
    ])
    const graph = importGraph(files)
    expect(graph.get('/p/d.ts')).toEqual(['/p/a.ts', '/p/e.ts'])
    expect(graph.get('/p/e.ts')).toEqual([])
    expect(findCycles(graph)).toEqual([['/p/a.ts', '/p/b.ts', '/p/c/index.ts', '/p/d.ts', '/p/a.ts']])
  })

  it('finds a module that imports itself, and two separate cycles', () => {
    const graph = new Map([
      ['a', ['a']],
      ['b', ['c']],
      ['c', ['b']],
      ['d', ['b']]
    ])
    expect(
      findCycles(graph)
        .map((cycle) => cycle.join(' → '))
        .sort()
    ).toEqual(['a → a', 'b → c → b'])
  })
})
