// date-fns 4 from its main entry and a deep import, lodash-es by function, immer.
import { format } from 'date-fns';
import { addDays } from 'date-fns/addDays';
import debounce from 'lodash-es/debounce';
import { produce } from 'immer';

const base = produce({ day: new Date(2024, 0, 30) }, (draft) => {
  draft.day = addDays(draft.day, 2);
});
const host = document.querySelector('p-dates');
const show = debounce((text) => {
  host.textContent = text;
  host.dataset.ok = text;
}, 1);
show(format(base.day, 'yyyy-MM-dd'));
