// The one function of jstat that infoplane uses (jstat ships no type declarations).
declare module 'jstat' {
  const jStat: {
    studentt: {
      /** The p-quantile of Student's t with `dof` degrees of freedom. */
      inv(p: number, dof: number): number;
    };
  };
  export default jStat;
}
