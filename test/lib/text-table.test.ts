import { alignColumns } from '../../lib/text-table';

describe('alignColumns', () => {
  test('pads every cell but the last of its row to its column, two spaces apart', () => {
    expect(
      alignColumns([
        ['HOST', 'APP'],
        ['docker-host-001', 'up'],
        ['h2', 'DOWN: connection refused'],
      ]),
    ).toEqual([
      'HOST             APP',
      'docker-host-001  up',
      'h2               DOWN: connection refused',
    ]);
  });

  test('a shorter row runs on from its first cell; widths come from the full rows', () => {
    expect(
      alignColumns([
        ['HOST', 'OS', 'DOCKER'],
        ['a', 'debian', '27'],
        ['bb', 'unreachable: no route to host'],
      ]),
    ).toEqual(['HOST  OS      DOCKER', 'a     debian  27', 'bb    unreachable: no route to host']);
  });

  test('rule: a dashed line under the head, as wide as each column', () => {
    expect(
      alignColumns(
        [
          ['A', 'B'],
          ['long', 'x'],
        ],
        { rule: true },
      ),
    ).toEqual(['A     B', '----  -', 'long  x']);
  });
});
