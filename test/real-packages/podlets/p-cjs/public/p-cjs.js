// CommonJS all the way down, each package calling the function its dependency's module.exports
// is: qs → side-channel → get-intrinsic → call-bind-apply-helpers → function-bind.
import qs from 'qs';
import callBind from 'call-bind';
import getIntrinsic from 'get-intrinsic';

const query = qs.stringify({ a: { b: 'c' }, list: [1, 2] }, { encode: false });
const parsed = qs.parse('x[y]=z');
const slice = callBind(getIntrinsic('%Array.prototype.slice%'));
const host = document.querySelector('p-cjs');
const text = `${query} ${parsed.x.y} ${slice([1, 2, 3], 1).join('')}`;
host.textContent = text;
host.dataset.ok = text;
